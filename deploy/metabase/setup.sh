#!/bin/sh
# First-start setup of the compose Metabase (docker compose --profile bi up):
# creates the admin user, then a PostgreSQL connection that shows only segflow's output
# schema. Does nothing when Metabase is already set up. Needs only sh and curl.
set -eu

json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

echo "waiting for Metabase at $MB_URL"
until curl -fsS "$MB_URL/api/health" >/dev/null 2>&1; do sleep 3; done

# has-user-setup says whether the first user exists. (setup-token is no guide: Metabase
# versions before mid-2026 keep returning it after setup, and a second setup gets 403.)
properties=$(curl -fsS "$MB_URL/api/session/properties")
user_setup=$(printf '%s' "$properties" | sed -n 's/.*"has-user-setup" *: *\([a-z]*\).*/\1/p')
case $user_setup in
    true)
        echo "Metabase is already set up; log in at http://localhost:${METABASE_PORT:-3000}"
        exit 0 ;;
    false) ;;
    *)
        echo "Metabase's /api/session/properties has no has-user-setup: is $MB_URL a Metabase?" >&2
        exit 1 ;;
esac
token=$(printf '%s' "$properties" | sed -n 's/.*"setup-token" *: *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "Metabase is not set up but returned no setup-token" >&2; exit 1; }

curl -fsS -X POST "$MB_URL/api/setup" -H 'Content-Type: application/json' -d "{
  \"token\": \"$token\",
  \"user\": {\"email\": \"$(json "$MB_ADMIN_EMAIL")\", \"password\": \"$(json "$MB_ADMIN_PASSWORD")\",
             \"first_name\": \"segflow\", \"last_name\": \"admin\", \"site_name\": \"segflow\"},
  \"prefs\": {\"site_name\": \"segflow\", \"allow_tracking\": false}
}" >/dev/null

session=$(curl -fsS -X POST "$MB_URL/api/session" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$(json "$MB_ADMIN_EMAIL")\", \"password\": \"$(json "$MB_ADMIN_PASSWORD")\"}" \
    | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$session" ] || { echo "could not log in to Metabase" >&2; exit 1; }

curl -fsS -X POST "$MB_URL/api/database" -H 'Content-Type: application/json' -H "X-Metabase-Session: $session" -d "{
  \"engine\": \"postgres\",
  \"name\": \"segflow\",
  \"details\": {
    \"host\": \"$(json "$PG_HOST")\", \"port\": 5432, \"dbname\": \"$(json "$PG_DB")\",
    \"user\": \"$(json "$PG_USER")\", \"password\": \"$(json "$PG_PASSWORD")\", \"ssl\": false,
    \"schema-filters-type\": \"inclusion\", \"schema-filters-patterns\": \"$(json "$OUTPUT_SCHEMA")\"
  }
}" >/dev/null

echo "Metabase is ready at http://localhost:${METABASE_PORT:-3000} (user $MB_ADMIN_EMAIL);"
echo "database 'segflow' shows schema $OUTPUT_SCHEMA: start with the current_* views (docs/output-tables.md)."
