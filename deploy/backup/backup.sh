#!/bin/sh
# A backup of the platform: each service's database (pg_dump, custom format; SQLite files by
# SQLite's online backup), a copy of Redis's append-only file and snapshot, and the access
# service's signing keys, into $BACKUP_DIR/<UTC time>/ with a SHA256SUMS file. Backups older
# than $BACKUP_KEEP_DAYS days are deleted. With --every: one backup every $BACKUP_INTERVAL_S;
# otherwise (or with --once) one backup now.
#
#   BACKUP_DATABASES   database URLs, space-separated (postgresql://… or sqlite:///…)
#   BACKUP_DIR         where backups go
#   BACKUP_REDIS_DIR   Redis's data folder (appendonlydir/, dump.rdb), optional
#   BACKUP_KEYS_DIR    the access service's keys folder, optional
#   BACKUP_KEEP_DAYS   default 14;  BACKUP_INTERVAL_S  default 86400
#
# Restore with restore.sh (docs/operations.md, "Backup and restore").
set -eu

: "${BACKUP_DATABASES:?list the database URLs}"
: "${BACKUP_DIR:?name the backup folder}"
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}

SERVICES="intake assessment support reporting access"

# A dump is named after its service (database "intake", or "…_intake"), so that restore.sh
# finds it whatever the target database is called.
database_name() {
  name=${1##*/}
  name=${name%%\?*}
  name=${name%.db}
  for s in $SERVICES; do
    case "$name" in
      "$s" | *_"$s") echo "$s"; return 0 ;;
    esac
  done
  echo "$name"
}

backup_once() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  work="$BACKUP_DIR/.partial-$stamp"
  mkdir -p "$work"
  for url in $BACKUP_DATABASES; do
    name=$(database_name "$url")
    case "$url" in
      postgresql://* | postgres://*)
        pg_dump --format=custom --no-owner --no-privileges --file="$work/$name.dump" --dbname="$url"
        ;;
      sqlite:///*)
        python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()' \
          "${url#sqlite:///}" "$work/$name.sqlite"
        ;;
      *)
        echo "backup: unknown database URL scheme for $name" >&2
        exit 2
        ;;
    esac
  done
  if [ -n "${BACKUP_REDIS_DIR:-}" ]; then
    mkdir -p "$work/redis"
    for item in appendonlydir appendonly.aof dump.rdb; do
      if [ -e "$BACKUP_REDIS_DIR/$item" ]; then
        cp -R "$BACKUP_REDIS_DIR/$item" "$work/redis/"
      fi
    done
  fi
  if [ -n "${BACKUP_KEYS_DIR:-}" ] && [ -d "$BACKUP_KEYS_DIR" ]; then
    cp -R "$BACKUP_KEYS_DIR" "$work/keys"
  fi
  (cd "$work" && find . -type f ! -name SHA256SUMS -exec sha256sum {} + > SHA256SUMS)
  mv "$work" "$BACKUP_DIR/$stamp"
  echo "backup: $BACKUP_DIR/$stamp"
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime "+$KEEP_DAYS" \
    -exec rm -rf {} + -exec echo "backup: removed {} (older than $KEEP_DAYS days)" \;
}

if [ "${1:-}" = "--every" ]; then
  while true; do
    backup_once || echo "backup: FAILED at $(date -u)" >&2
    sleep "${BACKUP_INTERVAL_S:-86400}"
  done
else
  backup_once
fi
