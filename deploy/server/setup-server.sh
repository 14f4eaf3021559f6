#!/bin/sh
# Install the ehcard server on Debian 12 from a checkout: gunicorn under
# systemd behind nginx with TLS, production settings, 0600 key files, nightly
# backups. Run as root: deploy/server/setup-server.sh ehcard.example.org
# Safe to run again (an upgrade): code and units are replaced, settings, keys
# and data are kept.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
checkout="$(cd "$here/../.." && pwd)"
server_name="${1:?usage: setup-server.sh SERVER_NAME}"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-venv nginx libraqm0 fonts-noto-core fonts-symbola postgresql-client

getent group ehcard >/dev/null || groupadd --system ehcard
getent group ehcard-print >/dev/null || groupadd --system ehcard-print
if ! id ehcard >/dev/null 2>&1; then
  useradd --system --gid ehcard --groups ehcard-print --home-dir /var/lib/ehcard \
    --no-create-home --shell /usr/sbin/nologin ehcard
fi

# Code: a copy of the checkout with its own virtual environment.
install -d -m 0755 /opt/ehcard
cp -a "$checkout/app.py" "$checkout/pyproject.toml" "$checkout/cards" "$checkout/signing" \
  "$checkout/kiosk" "$checkout/static" "$checkout/templates" /opt/ehcard/
[ -f "$checkout/README.md" ] && cp "$checkout/README.md" /opt/ehcard/
[ -x /opt/ehcard/.venv/bin/python ] || python3 -m venv /opt/ehcard/.venv
/opt/ehcard/.venv/bin/pip install -q --disable-pip-version-check "/opt/ehcard[server]"

# Settings and keys: root owns, the service reads; key files 0600 owned by ehcard.
install -d -m 0750 -o root -g ehcard /etc/ehcard
install -d -m 0700 -o ehcard -g ehcard /etc/ehcard/keys
install -d -m 0750 -o root -g root /etc/ehcard/tls
if [ ! -f /etc/ehcard/ehcard.env ]; then
  install -m 0640 -o root -g ehcard "$here/ehcard.env.example" /etc/ehcard/ehcard.env
  echo "edit /etc/ehcard/ehcard.env, then put the key files in /etc/ehcard/keys" >&2
fi
for key in /etc/ehcard/keys/*; do
  [ -f "$key" ] && chown ehcard:ehcard "$key" && chmod 0600 "$key"
done
install -d -m 0700 -o ehcard -g ehcard /var/lib/ehcard /var/backups/ehcard

install -m 0644 "$here/ehcard.service" /etc/systemd/system/ehcard.service
install -d -m 0755 /usr/local/lib/ehcard
install -m 0755 "$here/ehcard-backup.sh" /usr/local/lib/ehcard/ehcard-backup
install -m 0644 "$here/ehcard-backup.service" /etc/systemd/system/ehcard-backup.service
install -m 0644 "$here/ehcard-backup.timer" /etc/systemd/system/ehcard-backup.timer

sed "s/ehcard.example.org/$server_name/g" "$here/nginx-ehcard.conf" > /etc/nginx/sites-available/ehcard
install -m 0644 "$here/nginx-ehcard-proxy.conf" /etc/nginx/snippets/ehcard-proxy.conf
ln -sf /etc/nginx/sites-available/ehcard /etc/nginx/sites-enabled/ehcard
rm -f /etc/nginx/sites-enabled/default
usermod --append --groups ehcard www-data

systemctl daemon-reload
systemctl enable ehcard.service ehcard-backup.timer
if [ -f /etc/ehcard/tls/fullchain.pem ] && [ -f /etc/ehcard/keys/secret_key ]; then
  systemctl restart ehcard.service
  nginx -t && systemctl reload nginx
else
  echo "put the TLS certificate in /etc/ehcard/tls and the keys in /etc/ehcard/keys, then:" >&2
  echo "  systemctl restart ehcard.service && nginx -t && systemctl reload nginx" >&2
fi
