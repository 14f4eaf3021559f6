#!/bin/sh
# Turn a fresh Debian 12 machine with a touch screen into an ehcard reception
# kiosk screen. Run as root from a checkout: deploy/kiosk/setup-kiosk.sh URL
# (URL: the server's reception page, e.g. https://ehcard.example.org/kiosk/).
# Safe to run again: it rewrites the same files and restarts the screen.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
url="${1:?usage: setup-kiosk.sh https://HOST/kiosk/}"
# HTTPS only: production sessions use Secure cookies.
case "$url" in
  https://*/kiosk/) ;;
  *) echo "the URL must be https://HOST/kiosk/" >&2; exit 2 ;;
esac
origin="$(printf '%s' "$url" | sed -E 's|^(https://[^/]+)/.*$|\1|')"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq cage chromium fonts-noto-core fonts-noto-color-emoji fonts-symbola dbus

# The screen's account: a system user with no shell and no password.
if ! id ehcard-kiosk >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/ehcard-kiosk --no-create-home \
    --shell /usr/sbin/nologin ehcard-kiosk
fi
passwd --lock ehcard-kiosk >/dev/null

install -d -m 0755 /etc/ehcard /usr/local/lib/ehcard /etc/chromium/policies/managed
printf 'KIOSK_URL=%s\n' "$url" > /etc/ehcard/kiosk-device.env
chmod 0644 /etc/ehcard/kiosk-device.env
install -m 0755 "$here/kiosk-browser" /usr/local/lib/ehcard/kiosk-browser
sed "s|https://ehcard.example.org|$origin|g" "$here/chromium-policy.json" \
  > /etc/chromium/policies/managed/ehcard-kiosk.json
chmod 0644 /etc/chromium/policies/managed/ehcard-kiosk.json
install -m 0644 "$here/ehcard-kiosk.pam" /etc/pam.d/ehcard-kiosk
install -m 0644 "$here/ehcard-kiosk.service" /etc/systemd/system/ehcard-kiosk.service
install -d -m 0755 /etc/systemd/logind.conf.d
install -m 0644 "$here/logind-kiosk.conf" /etc/systemd/logind.conf.d/ehcard-kiosk.conf
install -m 0644 "$here/sysctl-kiosk.conf" /etc/sysctl.d/90-ehcard-kiosk.conf
sysctl -q --system >/dev/null || true

# A receipt printer on this device (all-in-one setup): the print worker's group.
getent group ehcard-print >/dev/null || groupadd --system ehcard-print
install -m 0644 "$here/70-ehcard-printer.rules" /etc/udev/rules.d/70-ehcard-printer.rules
install -m 0644 "$here/blacklist-usblp.conf" /etc/modprobe.d/ehcard-no-usblp.conf
udevadm control --reload && udevadm trigger --subsystem-match=usb

systemctl daemon-reload
systemctl set-default graphical.target
systemctl disable getty@tty1.service >/dev/null 2>&1 || true
systemctl enable ehcard-kiosk.service
systemctl restart ehcard-kiosk.service
echo "kiosk screen installed: $url"
