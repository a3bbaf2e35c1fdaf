# The "cache": answers every TCP connection on 6379 with PONG.
touch /tmp/cache-ready
while true; do echo PONG | nc -l -p 6379 >/dev/null 2>&1; done
