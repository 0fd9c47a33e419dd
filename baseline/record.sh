#!/usr/bin/env bash
# Records the exported API of the committed HEAD as release VERSION: builds the API bundles at that version from a
# clean copy of the commit and deploys their jars into baseline/, the Maven repository (in the project) that
# bnd-baseline-maven-plugin compares every later build of those bundles with. See baseline/README.md.
#
#   baseline/record.sh [--commit REV] VERSION [maven options, e.g. -Dmaven.repo.local=...]
#
# --commit records another commit than HEAD (how 0.1.0 was recorded: the API as it was before the first release).
set -euo pipefail
commit=HEAD
if [ "${1:-}" = --commit ]; then
  commit="$2"; shift 2
fi
if [ $# -lt 1 ] || [[ "$1" == -* ]]; then
  echo "usage: baseline/record.sh [--commit REV] VERSION [maven options]" >&2
  exit 2
fi
version="$1"; shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# the bundles that export API packages: every package they export is baselined
modules=(datastore-api security)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$commit" | tar -x -C "$work"
current="$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$work/pom.xml" | head -1)"
# the copy is built as VERSION, so that the jars' Bundle-Version is the release's (bnd compares bundle versions too)
find "$work" -name pom.xml -exec sed -i "s#<version>$current</version>#<version>$version</version>#" {} +

list="$(printf 'bundles/%s,' "${modules[@]}")"
mvn -B -q -f "$work/pom.xml" -pl "${list%,}" -am -DskipTests -Dbnd.baseline.skip=true package "$@"
for m in "${modules[@]}"; do
  (cd "$work" && mvn -B -q org.apache.maven.plugins:maven-deploy-plugin:3.1.3:deploy-file \
    -Dfile="bundles/$m/target/$m-$version.jar" -DgroupId=dev.cairn -DartifactId="$m" -Dversion="$version" \
    -Dpackaging=jar -DgeneratePom=true -DrepositoryId=cairn-baseline -Durl="file://$root/baseline" "$@")
  echo "recorded dev.cairn:$m:$version in baseline/"
done
