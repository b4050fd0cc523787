#!/usr/bin/env bash
# Builds the web UI into web/dist (served by the api worker as static assets): type-checks the
# TypeScript, bundles and minifies it with esbuild, copies the static files and the PDF fonts,
# and prints what a first visit downloads. It builds into a fresh directory and swaps it in, so
# a stack serving web/dist never sees it half-written.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/node_modules/.bin"
cd "$root"
"$bin/tsc" -p web
out=$(mktemp -d "$root/web/.dist-XXXXXX")
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
mkdir -p "$out/fonts"
cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf node_modules/dejavu-fonts-ttf/LICENSE "$out/fonts/"
chmod 755 "$out"
old="$root/web/.dist-old-$$"
if [ -d web/dist ]; then mv web/dist "$old"; fi
mv "$out" web/dist
rm -rf "$old"
total=0
for file in web/dist/index.html "web/dist/$name_app_js" "web/dist/$name_app_css"; do
  total=$((total + $(gzip -9 -c "$file" | wc -c)))
done
echo "web UI: $name_app_js $(wc -c < "web/dist/$name_app_js") B, $name_app_css $(wc -c < "web/dist/$name_app_css") B; first load $total B gzipped"
