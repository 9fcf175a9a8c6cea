#!/usr/bin/env bash
# Starts the whole platform: PostgreSQL, Redis and every service, then prints a summary.
# Ctrl+C stops everything. Extra arguments go to the AppHost.
set -euo pipefail
cd "$(dirname "$0")"
eng/prerequisites.sh
exec dotnet run --project PaymentPlatform.AppHost -- "$@"
