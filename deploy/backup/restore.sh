#!/bin/sh
# Restores a backup made by backup.sh into FRESH databases and an empty Redis data folder
# (stop the platform first; docs/operations.md, "Backup and restore"):
#
#   RESTORE_DATABASES  target database URLs, space-separated; each takes the dump of the same
#                      service (matched by the end of the database name: …/intake, …_intake)
#   RESTORE_REDIS_DIR  Redis's (empty) data folder, optional
#   RESTORE_KEYS_DIR   the access service's keys folder, optional
#
#   restore.sh BACKUP_FOLDER
set -eu

folder=${1:?name the backup folder (BACKUP_DIR/<time>)}
: "${RESTORE_DATABASES:?list the target database URLs}"
SERVICES="intake assessment support reporting access"

(cd "$folder" && sha256sum --check --quiet SHA256SUMS)

service_of() {
  name=${1##*/}
  name=${name%%\?*}
  name=${name%.db}
  for s in $SERVICES; do
    case "$name" in
      "$s" | *_"$s") echo "$s"; return 0 ;;
    esac
  done
  echo "restore: no service named by $name" >&2
  exit 2
}

for url in $RESTORE_DATABASES; do
  service=$(service_of "$url")
  case "$url" in
    postgresql://* | postgres://*)
      tables=$(psql --no-psqlrc -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" "$url")
      if [ "$tables" != "0" ]; then
        echo "restore: $service's target database is not empty; restore into a fresh one" >&2
        exit 3
      fi
      pg_restore --no-owner --no-privileges --exit-on-error --dbname="$url" "$folder/$service.dump"
      ;;
    sqlite:///*)
      target=${url#sqlite:///}
      if [ -s "$target" ]; then
        echo "restore: $target exists; restore into a fresh file" >&2
        exit 3
      fi
      python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()' \
        "$folder/$service.sqlite" "$target"
      ;;
  esac
  echo "restore: $service"
done

if [ -n "${RESTORE_REDIS_DIR:-}" ] && [ -d "$folder/redis" ]; then
  mkdir -p "$RESTORE_REDIS_DIR"
  if [ -e "$RESTORE_REDIS_DIR/appendonlydir" ] || [ -e "$RESTORE_REDIS_DIR/dump.rdb" ]; then
    echo "restore: $RESTORE_REDIS_DIR holds Redis data; stop Redis and empty it first" >&2
    exit 3
  fi
  cp -R "$folder/redis/." "$RESTORE_REDIS_DIR/"
  echo "restore: redis"
fi
if [ -n "${RESTORE_KEYS_DIR:-}" ] && [ -d "$folder/keys" ]; then
  mkdir -p "$RESTORE_KEYS_DIR"
  cp -R "$folder/keys/." "$RESTORE_KEYS_DIR/"
  echo "restore: keys"
fi
