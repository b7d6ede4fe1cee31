#!/usr/bin/env bash
# What a docker-compose file or a Helm hook does with Hydra's CLI, with Portcullis's:
# create a client, get a token, check it. HYDRA_ADMIN_URL and HYDRA_URL point at the
# server; PORTCULLIS is the binary.
set -euo pipefail
out=$("$PORTCULLIS" clients create --id compose-worker --secret compose-secret \
  --grant-types client_credentials --response-types token --scope jobs.read,jobs.write)
echo "$out" | grep "OAuth 2.0 Client ID: compose-worker" >/dev/null
token=$("$PORTCULLIS" token client --client-id compose-worker --client-secret compose-secret \
  --scope jobs.read)
test -n "$token"
"$PORTCULLIS" token introspect "$token" | grep "\"active\": true" >/dev/null
echo "quickstart ok"
