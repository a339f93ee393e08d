#!/usr/bin/env bash
# Vendor the browser libraries the dashboard uses (Leaflet, ECharts) from the npm registry into
# rongetong/web/static/vendor/<pkg>-<version>/. The copied files are committed, so pages never load
# anything from a CDN and a fresh machine needs no npm; run this only to change a version.
#
#   scripts/vendor-assets.sh
#
# Versions are pinned here; a new version means a new directory and new paths in the templates.
set -euo pipefail

LEAFLET_VERSION=1.9.4
ECHARTS_VERSION=6.1.0

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/rongetong/web/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# `npm pack` fetches the published tarball only: no install scripts run, nothing lands in the project.
fetch() {  # fetch <package> <version> → unpacked into $WORK/<package>/package
    mkdir -p "$WORK/$1"
    (cd "$WORK/$1" && npm pack --silent "$1@$2" >/dev/null && tar -xzf ./*.tgz)
}

fetch leaflet "$LEAFLET_VERSION"
fetch echarts "$ECHARTS_VERSION"

LEAFLET="$VENDOR/leaflet-$LEAFLET_VERSION"
ECHARTS="$VENDOR/echarts-$ECHARTS_VERSION"
rm -rf "$LEAFLET" "$ECHARTS"
mkdir -p "$LEAFLET/images" "$ECHARTS"

src="$WORK/leaflet/package"
cp "$src/dist/leaflet.js" "$src/dist/leaflet.js.map" "$src/dist/leaflet.css" "$LEAFLET/"
# leaflet.css refers to its marker and layer-control images by relative url(images/...).
cp "$src"/dist/images/*.png "$LEAFLET/images/"
cp "$src/LICENSE" "$LEAFLET/LICENSE"

src="$WORK/echarts/package"
cp "$src/dist/echarts.min.js" "$ECHARTS/"
cp "$src/LICENSE" "$ECHARTS/LICENSE"
[ -f "$src/NOTICE" ] && cp "$src/NOTICE" "$ECHARTS/NOTICE"

echo "vendored into $VENDOR:"
(cd "$VENDOR" && find "leaflet-$LEAFLET_VERSION" "echarts-$ECHARTS_VERSION" -type f | sort)
