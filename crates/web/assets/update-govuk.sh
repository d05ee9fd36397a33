#!/usr/bin/env bash
# Rebuilds the vendored GOV.UK Frontend assets from the npm package.
# Hearth is not a GOV.UK service, so the CSS is compiled without the GDS Transport font
# (restricted to GOV.UK) and falls back to Arial. Usage: crates/web/assets/update-govuk.sh [VERSION]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-6.6.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent "govuk-frontend@$version" sass
npx sass --no-source-map --style=compressed --load-path=node_modules --quiet \
  "$here/govuk/hearth-govuk.scss" "$here/govuk/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$here/govuk/"
cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.ico "$here/govuk/images/"
sed -i "1s/^GOV.UK Frontend [^ ]*/GOV.UK Frontend $version/" "$here/govuk/NOTICE"
