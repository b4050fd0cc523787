#!/usr/bin/env bash
# Builds the web UI into web/dist (served by the api worker as static assets): type-checks the
# TypeScript, bundles and minifies it with esbuild, copies the static files and the PDF fonts,
# and prints what a first visit downloads. `build-web.sh DIR` builds into DIR instead.
#
# A running `make dev` (or test stack) serves the output directory while this runs, and
# wrangler watches that directory: replacing the directory itself left it serving 500s until
# a restart. So the directory is never replaced, only updated, each file by an atomic rename:
# the new content-hashed bundles arrive first (new names; nothing served changes), then
# index.html switches to them in one rename. The previous build's bundles stay, so a page
# loaded just before the switch still gets its script; older ones are removed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/node_modules/.bin"
cd "$root"
dist=$(realpath -m "${1:-web/dist}")
"$bin/tsc" -p web
mkdir -p "$dist"
# Built beside the output (same file system, so every move below is an atomic rename).
out=$(mktemp -d "$(dirname "$dist")/.web-build-XXXXXX")
trap 'rm -rf "$out"' EXIT
"$bin/esbuild" web/src/main.tsx --bundle --minify --format=esm --target=es2022 --jsx=automatic --jsx-import-source=preact \
  --legal-comments=none --log-level=warning --outfile="$out/app.js"
"$bin/esbuild" web/public/app.css --minify --log-level=warning --outfile="$out/app.css"
# Content-hashed names: the api serves them as immutable, so a returning visitor loads nothing
# again until they change; index.html (always revalidated) names the current ones.
hashed() { echo "app-$(sha256sum "$out/app.$1" | cut -c1-10).$1"; }
name_app_js=$(hashed js)
name_app_css=$(hashed css)
mv "$out/app.js" "$out/$name_app_js"
mv "$out/app.css" "$out/$name_app_css"
sed -e "s#/app.js#/$name_app_js#" -e "s#/app.css#/$name_app_css#" web/public/index.html > "$out/index.html"
cp web/public/favicon.svg "$out/"
# The fonts PDFs are set in when their text goes beyond Western European (read by the api
# worker from these assets, never by the browser).
mkdir -p "$out/fonts" "$dist/fonts"
cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf node_modules/dejavu-fonts-ttf/LICENSE "$out/fonts/"

# Moves a built file into place unless an identical one is there (an unchanged file is not
# touched, so the watcher has nothing to reload for it).
place() {
  if ! cmp -s "$out/$1" "$dist/$1"; then mv -f "$out/$1" "$dist/$1"; fi
}
# The bundles the current index.html names: they become "the previous build" below.
previous=$(grep -oE 'app-[0-9a-f]{10}\.(js|css)' "$dist/index.html" 2>/dev/null || true)
place "$name_app_js"
place "$name_app_css"
place favicon.svg
for font in DejaVuSans.ttf DejaVuSans-Bold.ttf LICENSE; do place "fonts/$font"; done
place index.html
# Bundles from builds before the previous one: no page can still ask for them.
for file in "$dist"/app-*.js "$dist"/app-*.css; do
  [ -e "$file" ] || continue
  name=$(basename "$file")
  if [ "$name" != "$name_app_js" ] && [ "$name" != "$name_app_css" ] && ! grep -qx "$name" <<<"$previous"; then rm -f "$file"; fi
done
chmod 755 "$dist"
total=0
for file in "$dist/index.html" "$dist/$name_app_js" "$dist/$name_app_css"; do
  total=$((total + $(gzip -9 -c "$file" | wc -c)))
done
echo "web UI: $name_app_js $(wc -c < "$dist/$name_app_js") B, $name_app_css $(wc -c < "$dist/$name_app_css") B; first load $total B gzipped"
