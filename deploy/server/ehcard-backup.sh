#!/bin/sh
# Nightly backup of the ehcard server (run by ehcard-backup.timer as root).
# Saves the database (SQLite online backup, or pg_dump for PostgreSQL) and the
# signed trust list into /var/backups/ehcard: folder 0700, files 0600, kept
# BACKUP_KEEP_DAYS days (default 14). Private keys are NOT copied here: they
# are saved once, offline, when made or rotated (see the README).
set -eu
# Read only the settings needed here (the file is systemd's, not a shell script).
setting() {
  sed -n "s/^$1=//p" /etc/ehcard/ehcard.env | tail -n 1 | sed 's/^"\(.*\)"$/\1/'
}
EHCARD_DATABASE_URL="$(setting EHCARD_DATABASE_URL)"
EHCARD_INSTANCE="$(setting EHCARD_INSTANCE)"
EHCARD_TRUST_LIST_FILE="$(setting EHCARD_TRUST_LIST_FILE)"
target="${BACKUP_DIR:-/var/backups/ehcard}"
keep="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
install -d -m 0700 "$target"

url="${EHCARD_DATABASE_URL:-sqlite:///${EHCARD_INSTANCE:-/var/lib/ehcard}/ehcard.sqlite}"
case "$url" in
  sqlite:///*)
    database="${url#sqlite:///}"
    # The online backup API copies a consistent snapshot while the kiosk runs.
    /opt/ehcard/.venv/bin/python - "$database" "$target/ehcard-$stamp.sqlite" <<'PY'
import sqlite3, sys
source, copy = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with copy:
    source.backup(copy)
copy.close()
source.close()
PY
    ;;
  postgresql*)
    libpq_url="postgresql${url#postgresql+psycopg}"
    runuser -u ehcard -- pg_dump --format=custom --dbname="$libpq_url" > "$target/ehcard-$stamp.pgdump"
    ;;
  *)
    echo "ehcard-backup: unknown database URL scheme in EHCARD_DATABASE_URL" >&2
    exit 2
    ;;
esac
if [ -n "$EHCARD_TRUST_LIST_FILE" ] && [ -f "$EHCARD_TRUST_LIST_FILE" ]; then
  cp "$EHCARD_TRUST_LIST_FILE" "$target/trust-$stamp.cbor"
fi
chmod 0600 "$target"/*
find "$target" -type f -mtime "+$keep" -delete
echo "ehcard-backup: saved $stamp in $target"
