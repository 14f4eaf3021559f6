#!/bin/sh
# Nightly backup of the ehcard server, run by ehcard-backup.timer as user ehcard
# with the server's settings (/etc/ehcard/ehcard.env). `ehcard backup` writes
# every table as gzip'd JSON lines, the same format for SQLite and PostgreSQL
# (restore with `ehcard restore FILE`); the signed trust list is copied beside
# it. Folder 0700, files 0600, kept BACKUP_KEEP_DAYS days (default 14). Private
# keys are NOT copied here: they are saved once, offline, when made or rotated.
set -eu
target="${BACKUP_DIR:-/var/backups/ehcard}"
keep="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$target"
chmod 0700 "$target"
/opt/ehcard/.venv/bin/ehcard backup --out "$target/ehcard-$stamp.jsonl.gz"
if [ -n "${EHCARD_TRUST_LIST_FILE:-}" ] && [ -f "$EHCARD_TRUST_LIST_FILE" ]; then
  cp "$EHCARD_TRUST_LIST_FILE" "$target/trust-$stamp.cbor"
fi
chmod 0600 "$target"/*
find "$target" -type f -mtime "+$keep" -delete
echo "ehcard-backup: saved $stamp in $target"
