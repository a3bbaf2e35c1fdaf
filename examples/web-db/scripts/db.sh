# The "database": records are files under /data/www, served over HTTP.
mkdir -p /data/www
echo ok > /data/www/health
exec httpd -f -p 80 -h /data/www
