#!/bin/sh
# Install the ehcard server on Debian 12 from a checkout: gunicorn under
# systemd behind nginx with TLS, a separate print worker, production settings
# and keys made by `ehcard init-production`, nightly backups. Run as root:
#   deploy/server/setup-server.sh ehcard.example.org --centre-name "Centre d'accueil" \
#     --database-url 'postgresql+psycopg://ehcard@/ehcard?host=/run/postgresql' \
#     --printer tcp:192.0.2.10:9100
# Every option after the server name goes to `ehcard init-production` (see
# `ehcard init-production --help`). Safe to run again (an upgrade): code and
# units are replaced; settings, keys and data are kept, never made again.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
checkout="$(cd "$here/../.." && pwd)"
server_name="${1:?usage: setup-server.sh SERVER_NAME [init-production options]}"
shift

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-venv nginx libraqm0 fonts-noto-core fonts-symbola postgresql-client \
  espeak-ng sox libsox-fmt-all

getent group ehcard >/dev/null || groupadd --system ehcard
getent group ehcard-print >/dev/null || groupadd --system ehcard-print
if ! id ehcard >/dev/null 2>&1; then
  useradd --system --gid ehcard --groups ehcard-print --home-dir /var/lib/ehcard \
    --no-create-home --shell /usr/sbin/nologin ehcard
fi

# Code: a copy of the checkout with its own virtual environment.
install -d -m 0755 /opt/ehcard
cp -a "$checkout/app.py" "$checkout/pyproject.toml" "$checkout/cards" "$checkout/signing" \
  "$checkout/kiosk" "$checkout/static" /opt/ehcard/
[ -f "$checkout/README.md" ] && cp "$checkout/README.md" /opt/ehcard/
[ -x /opt/ehcard/.venv/bin/python ] || python3 -m venv /opt/ehcard/.venv
/opt/ehcard/.venv/bin/pip install -q --disable-pip-version-check "/opt/ehcard[server]"

# Settings and keys, made once: the keys under /var/lib/ehcard/keys (0700, files
# 0600, owned by ehcard), the settings file root's and readable by the service,
# the root private key in root's home, to be moved offline.
install -d -m 0750 -o root -g ehcard /etc/ehcard
install -d -m 0750 -o root -g root /etc/ehcard/tls
install -d -m 0700 -o ehcard -g ehcard /var/backups/ehcard
if [ ! -f /etc/ehcard/ehcard.env ]; then
  root_key="/root/ehcard-root-$(date -u +%Y%m%d).key"
  /opt/ehcard/.venv/bin/ehcard --instance /var/lib/ehcard init-production \
    --root-key-out "$root_key" --env-out /etc/ehcard/ehcard.env \
    --card-host "$(echo "$server_name" | tr '[:lower:]' '[:upper:]')" "$@"
  echo "the root private key is $root_key: copy it to offline storage, then delete it here" >&2
fi
chown -R ehcard:ehcard /var/lib/ehcard
chmod 0700 /var/lib/ehcard /var/lib/ehcard/keys
chown root:ehcard /etc/ehcard/ehcard.env
chmod 0640 /etc/ehcard/ehcard.env
# The kiosk's voice: made once, then only what changed (a centre's recordings go in
# /var/lib/ehcard/voice/<language>/<message id>.<extension>; run it again after adding some).
(set -a; . /etc/ehcard/ehcard.env; set +a
 runuser -u ehcard -- /opt/ehcard/.venv/bin/ehcard --instance /var/lib/ehcard voice build) \
  || echo "ehcard voice build: the kiosk runs without the audio named above" >&2

install -m 0644 "$here/ehcard.service" /etc/systemd/system/ehcard.service
install -m 0644 "$here/ehcard-print.service" /etc/systemd/system/ehcard-print.service
install -d -m 0755 /usr/local/lib/ehcard
install -m 0755 "$here/ehcard-backup.sh" /usr/local/lib/ehcard/ehcard-backup
install -m 0644 "$here/ehcard-backup.service" /etc/systemd/system/ehcard-backup.service
install -m 0644 "$here/ehcard-backup.timer" /etc/systemd/system/ehcard-backup.timer
# For a country with a national directory (docs/directory.md); not enabled here.
install -m 0644 "$here/ehcard-publish.service" /etc/systemd/system/ehcard-publish.service
install -m 0644 "$here/ehcard-publish.timer" /etc/systemd/system/ehcard-publish.timer

sed "s/ehcard.example.org/$server_name/g" "$here/nginx-ehcard.conf" > /etc/nginx/sites-available/ehcard
install -m 0644 "$here/nginx-ehcard-proxy.conf" /etc/nginx/snippets/ehcard-proxy.conf
ln -sf /etc/nginx/sites-available/ehcard /etc/nginx/sites-enabled/ehcard
rm -f /etc/nginx/sites-enabled/default
usermod --append --groups ehcard www-data

systemctl daemon-reload
systemctl enable ehcard.service ehcard-print.service ehcard-backup.timer
systemctl restart ehcard.service ehcard-print.service
if [ -f /etc/ehcard/tls/fullchain.pem ]; then
  nginx -t && systemctl reload nginx
else
  echo "put the TLS certificate in /etc/ehcard/tls (fullchain.pem, privkey.pem), then:" >&2
  echo "  nginx -t && systemctl reload nginx" >&2
fi
