#!/bin/sh
# The workflow archive's backup, run by the CronJob argo-archive-backup and by hand for a restore
# (docs/backup.md). The database is the one PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE name.
#   archive-backup.sh dump FILE      the whole archive database, in pg_dump's custom format
#   archive-backup.sh restore FILE   that dump back into the database, replacing what it holds, in one transaction
#   archive-backup.sh prune KEEP     backup names on stdin, oldest first: prints those beyond the newest KEEP
set -eu

usage() {
  echo "usage: archive-backup.sh dump FILE | restore FILE | prune KEEP" >&2
  exit 2
}

[ "$#" -eq 2 ] || usage
case "$1" in
  dump)
    pg_dump --format=custom --no-owner --no-privileges --file="$2"
    ;;
  restore)
    [ -f "$2" ] || { echo "archive-backup.sh: no dump at $2" >&2; exit 2; }
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="${PGDATABASE:?set PGDATABASE to the archive database}" "$2"
    ;;
  prune)
    case "$2" in '' | *[!0-9]*) usage ;; esac
    keep=$2
    set --
    while IFS= read -r name; do
      [ -n "$name" ] && set -- "$@" "$name"
    done
    drop=$(($# - keep))
    while [ "$drop" -gt 0 ]; do
      printf '%s\n' "$1"
      shift
      drop=$((drop - 1))
    done
    ;;
  *)
    usage
    ;;
esac
