# Sourced by the benchmarks: start_static_nginx WORK PORT starts nginx (2 workers, no access log)
# serving the files of WORK/static on 127.0.0.1:PORT as application/json, its pid in
# WORK/nginx.pid (the caller stops it). The ceiling the benchmarks compare herd with.
start_static_nginx() {
  local work=$1 port=$2
  mkdir -p "$work/static" "$work/nginx-temp"
  chmod 755 "$work" "$work/static"
  cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-temp; proxy_temp_path $work/nginx-temp;
  fastcgi_temp_path $work/nginx-temp; uwsgi_temp_path $work/nginx-temp; scgi_temp_path $work/nginx-temp;
  server {
    listen 127.0.0.1:$port;
    location / { root $work/static; default_type application/json; }
  }
}
CONF
  nginx -c "$work/nginx.conf"
}
