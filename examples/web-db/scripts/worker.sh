# The worker: a heartbeat record in the database every 2 seconds.
while true; do
  date > /data/www/heartbeat
  sleep 2
done
