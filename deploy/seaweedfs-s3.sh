#!/bin/sh
# SeaweedFS all in one (master, volume, filer, S3 gateway on 8333) for docker-compose.yml,
# with one S3 identity whose keys come from the environment (never from a file in git).
set -eu
cat > /tmp/s3.json <<JSON
{"identities": [{"name": "locsvc",
  "credentials": [{"accessKey": "${S3_ACCESS_KEY}", "secretKey": "${S3_SECRET_KEY}"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
exec weed server -dir=/data -master.telemetry=false -filer -s3 -s3.port=8333 \
    -s3.config=/tmp/s3.json
