# One-shot migration: create the schema once; running it again is a no-op.
set -e
if [ ! -f /data/www/schema ]; then
  echo "schema v1" > /data/www/schema
  echo 0 > /data/www/visits
  echo "migrated to schema v1"
else
  echo "schema already present: $(cat /data/www/schema)"
fi
