#!/bin/bash
# Checks an HTML report in a real browser (headless Chromium, Debian package
# "chromium"): the page's script must run without errors and write its status
# line "ok: N charts, M flame graphs" (it writes it only after counting every
# chart against the expected numbers), and a screenshot is taken.
#
# usage: scripts/check-html-report.sh REPORT.html [SCREENSHOT.png]
# exit: 0 ok, 1 the page failed the check, 2 usage, 3 chromium unavailable.
# Installs chromium with apt-get when it is missing and we are root (idempotent);
# LATLAB_NO_INSTALL=1 skips the installation.
set -u

report=${1:-}
shot=${2:-}
if [ -z "$report" ] || [ ! -f "$report" ]; then
  echo "usage: $0 REPORT.html [SCREENSHOT.png]" >&2
  exit 2
fi
report=$(readlink -f "$report")
[ -n "$shot" ] || shot="${report%.html}.png"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "${LATLAB_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "check-html-report: installing chromium" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; }
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    echo "check-html-report: chromium is not installed (apt-get install chromium)" >&2
    exit 3
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --no-default-browser-check
       --user-data-dir="$work/profile" --virtual-time-budget=5000)

# The DOM after the script ran, with the console on stderr.
if ! timeout 120 chromium "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$report" \
    >"$work/dom.html" 2>"$work/console.log"; then
  echo "check-html-report: chromium failed to load the page" >&2
  tail -20 "$work/console.log" >&2
  exit 3
fi
if ! timeout 120 chromium "${flags[@]}" --hide-scrollbars --window-size=1400,3000 --screenshot="$shot" \
    "file://$report" >/dev/null 2>"$work/shot.log" || [ ! -s "$shot" ]; then
  echo "check-html-report: chromium failed to take the screenshot" >&2
  tail -20 "$work/shot.log" >&2
  exit 3
fi

status=$(grep -o '<div id="status">[^<]*</div>' "$work/dom.html" | sed 's/<[^>]*>//g')
fail=0
if grep -q 'Uncaught' "$work/console.log"; then
  echo "check-html-report: script error:" >&2
  grep 'Uncaught' "$work/console.log" >&2
  fail=1
fi
case "$status" in
  ok:*) ;;
  *) echo "check-html-report: status is \"${status:-missing}\" (expected \"ok: ...\")" >&2; fail=1 ;;
esac
if ! grep -q 'data-ok="1"' "$work/dom.html"; then
  echo "check-html-report: the page did not mark itself ok" >&2
  fail=1
fi
charts=$(grep -o '<svg id="[^"]*" class="chart' "$work/dom.html" | wc -l)
flames=$(grep -o '<svg id="[^"]*" class="flame' "$work/dom.html" | wc -l)
expected_charts=$(grep -o 'data-expected-charts="[0-9]*"' "$work/dom.html" | grep -o '[0-9]*')
expected_flames=$(grep -o 'data-expected-flames="[0-9]*"' "$work/dom.html" | grep -o '[0-9]*')
if [ "$charts" != "${expected_charts:-x}" ] || [ "$flames" != "${expected_flames:-x}" ]; then
  echo "check-html-report: $charts/${expected_charts:-?} charts, $flames/${expected_flames:-?} flame graphs in the DOM" >&2
  fail=1
fi
if [ "$fail" = 0 ]; then
  echo "check-html-report: $status; screenshot $shot"
fi
exit "$fail"
