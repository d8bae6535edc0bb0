# The image for docker-compose.yml: the API and the worker run from it.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY locsvc ./locsvc
COPY workers ./workers
RUN pip install --no-cache-dir '.[postgres]'
ENV LOCSVC_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["locsvc", "api", "--host", "0.0.0.0", "--port", "8000"]
