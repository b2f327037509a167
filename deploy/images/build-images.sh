#!/usr/bin/env bash
# Builds the container images deploy/k8s names, without a Docker engine: each base's root file
# system with mmdebstrap (Debian's mirror, no registry), committed with buildah, then each
# deploy/images/NAME/Containerfile with `buildah build`, saved as an OCI archive.
# Run through `./augur images build` (which installs buildah and mmdebstrap and builds the
# modules first). See deploy/images/README.md.
set -euo pipefail

HOME_DIR="${AUGUR_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
IMAGES_DIR="$HOME_DIR/deploy/images"
ALL=(functions collector enforcer profiler)
SUITE=bookworm
SOURCES=("deb http://deb.debian.org/debian $SUITE main"
         "deb http://deb.debian.org/debian $SUITE-updates main"
         "deb http://deb.debian.org/debian-security $SUITE-security main")
# Part of each base's cache key: change it when the recipe below changes.
RECIPE=1
CACHE="${AUGUR_IMAGES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/augur/images}"
FLINK_IMAGE=docker.io/library/flink:2.2.1-java17

usage() {
  cat <<USAGE
usage: ./augur images build [--out DIR] [--only NAME...] [--refresh-base] [--flink-image REF]

Builds Augur's container images, the ones deploy/k8s names (augur/NAME:VERSION, VERSION the
pom's), from deploy/images/NAME/Containerfile, without a Docker engine and without a registry:
  1. each base the Containerfiles name (localhost/augur/base-jre, base-node: Debian $SUITE with the
     packages of deploy/images/base-*.packages) is made by mmdebstrap from Debian's mirror and
     committed with buildah; its root file system is cached in $CACHE
     keyed by its package list (a second build skips this; --refresh-base remakes it, e.g. for
     Debian's security updates);
  2. each image's build context is staged in target/images/context/NAME (the module's jar and its
     target/classpath.txt jars in lib/), built with buildah (chroot isolation, no RUN steps);
  3. each image is saved as DIR/NAME.oci.tar (an OCI archive, reference augur/NAME:VERSION) and
     left in buildah's local storage as localhost/augur/NAME:VERSION.
NAMEs: ${ALL[*]} (default: all). profiler is FROM Flink's official image
($FLINK_IMAGE), which needs docker.io: it is built only when that image is in
local storage (podman pull / podman load it first) or --flink-image names one that is; without
it, a build of all images skips profiler and says so, and --only profiler fails.
Options:
  --out DIR          where the OCI archives go (default target/images; relative to the checkout)
  --only NAME...     only these images (space- or comma-separated)
  --refresh-base     remake the bases even when cached
  --flink-image REF  the profiler's base (default $FLINK_IMAGE)
Needs root (buildah's storage in /var/lib/containers), buildah and mmdebstrap. Takes minutes the
first time (the bases), about half a minute per image afterwards. Progress on stderr; the
archives' paths on stdout.
USAGE
}

START=$SECONDS
say() { printf '[images +%ds] %s\n' "$((SECONDS - START))" "$*" >&2; }
fail() { printf 'images: %s\n' "$*" >&2; exit 2; }

OUT="$HOME_DIR/target/images"
ONLY=()
REFRESH=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --out) [ $# -ge 2 ] || fail "--out needs a directory"; OUT=$2; shift 2 ;;
    --only)
      shift
      [ $# -gt 0 ] && [ "${1#--}" = "$1" ] || fail "--only needs image names (${ALL[*]})"
      while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do
        IFS=',' read -r -a names <<<"$1"
        ONLY+=("${names[@]}")
        shift
      done ;;
    --refresh-base) REFRESH=1; shift ;;
    --flink-image) [ $# -ge 2 ] || fail "--flink-image needs an image reference"; FLINK_IMAGE=$2; shift 2 ;;
    *) usage >&2; fail "unknown argument: $1" ;;
  esac
done
for n in "${ONLY[@]}"; do
  [ -f "$IMAGES_DIR/$n/Containerfile" ] || fail "no image $n (known: ${ALL[*]})"
done
ONLY_GIVEN=${#ONLY[@]}
[ ${#ONLY[@]} -gt 0 ] || ONLY=("${ALL[@]}")
case "$OUT" in /*) ;; *) OUT="$HOME_DIR/$OUT" ;; esac

for cmd in buildah mmdebstrap; do
  command -v "$cmd" >/dev/null 2>&1 || fail "$cmd is missing: apt-get install buildah mmdebstrap (./augur images build installs them as root)"
done
[ "$(id -u)" -eq 0 ] || fail "needs root: buildah keeps the images in /var/lib/containers and mmdebstrap installs packages into a root file system as root"

VERSION=$(sed -n '/<artifactId>augur-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$HOME_DIR/pom.xml")
[ -n "$VERSION" ] || fail "no project version in $HOME_DIR/pom.xml"

# The Containerfile's first FROM (ARG defaults substituted).
from_of() {
  awk '/^ARG FLINK_IMAGE=/{split($2,a,"="); arg=a[2]} /^FROM /{f=$2; gsub(/\$\{FLINK_IMAGE\}/, arg, f); print f; exit}' "$1"
}

# The package list of a base: its file without comments and blank lines, one per line.
packages_of() {
  sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1"
}

have_image() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# Makes localhost/augur/base-X:SUITE from deploy/images/base-X.packages unless it is there with
# the same key; the root file system tarball is cached by key.
ensure_base() {
  local ref=$1 name=${1#localhost/augur/}
  name=${name%%:*}
  local list="$IMAGES_DIR/$name.packages"
  [ -f "$list" ] || fail "$ref: no package list $list"
  local pkgs key tarball
  pkgs=$(packages_of "$list" | sort | paste -sd, -)
  key=$(printf '%s\n' "recipe=$RECIPE" "suite=$SUITE" "${SOURCES[@]}" "packages=$pkgs" | sha256sum | cut -c1-16)
  tarball="$CACHE/$name-$SUITE-$key.tar"
  if [ $REFRESH -eq 0 ] && have_image "$ref" \
      && [ "$(buildah inspect --type image --format '{{index .ImageAnnotations "io.augur.base.key"}}' "$ref" 2>/dev/null)" = "$key" ]; then
    say "$ref: up to date (key $key)"
    return
  fi
  mkdir -p "$CACHE"
  if [ $REFRESH -eq 1 ] || [ ! -s "$tarball" ]; then
    say "$ref: mmdebstrap $SUITE with $pkgs (minutes: downloads and installs the packages)"
    local log="$CACHE/$name-$SUITE-$key.log"
    # essential: Debian's essential set (dpkg, no apt) plus the list; docs, man pages and locales left
    # out (man1/ stays as an empty directory: update-alternatives links java's man page there);
    # the non-root user of augur/functions (uid 10001) in /etc/passwd.
    if ! mmdebstrap --variant=essential --format=tar --include="$pkgs" \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
        --customize-hook='echo "augur:x:10001:10001:augur:/nonexistent:/usr/sbin/nologin" >> "$1/etc/passwd"' \
        --customize-hook='echo "augur:x:10001:" >> "$1/etc/group"' \
        "$SUITE" "$tarball.partial" "${SOURCES[@]}" >"$log" 2>&1; then
      tail -20 "$log" >&2
      rm -f "$tarball.partial"
      fail "$ref: mmdebstrap failed (log $log)"
    fi
    mv "$tarball.partial" "$tarball"
    say "$ref: root file system $(du -h "$tarball" | cut -f1) cached as $tarball"
  else
    say "$ref: cached root file system $tarball"
  fi
  local ctr
  ctr=$(buildah from --quiet scratch)
  buildah add --quiet "$ctr" "$tarball" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --annotation "io.augur.base.key=$key" \
    --label "io.augur.base.packages=$pkgs" "$ctr"
  buildah commit --quiet --rm "$ctr" "$ref" >/dev/null
  say "$ref: committed"
}

# Copies the module's jar and its runtime classpath into DIR/lib.
stage_lib() {
  local module=$1 dir=$2
  local cp="$HOME_DIR/$module/target/classpath.txt"
  [ -f "$cp" ] || fail "$cp is missing: ./augur build (or mvn -pl $module -am package) first"
  local jar
  jar=$(ls "$HOME_DIR/$module/target/"augur-*-"$VERSION".jar 2>/dev/null | head -1)
  [ -n "$jar" ] || fail "no $module/target/augur-*-$VERSION.jar: ./augur build first"
  mkdir -p "$dir/lib"
  local entries=()
  IFS=: read -r -a entries < "$cp" || true  # no newline at its end
  for f in "$jar" "${entries[@]}"; do
    [ -n "$f" ] || continue
    [ -f "$f" ] || fail "$module's classpath names $f, which is not there: ./augur build"
    [ ! -e "$dir/lib/$(basename "$f")" ] || fail "$module's classpath has two jars named $(basename "$f")"
    cp "$f" "$dir/lib/"
  done
}

# The profiler's context: the shaded job jar, DJL with libtorch and its dependencies, the models.
stage_profiler() {
  local dir=$1
  local job="$HOME_DIR/jobs/target/augur-jobs-$VERSION-job.jar"
  [ -f "$job" ] || fail "$job is missing: ./augur build first"
  mkdir -p "$dir/job" "$dir/djl" "$dir/models"
  cp "$job" "$dir/job/augur-jobs-job.jar"
  local entries=()
  IFS=: read -r -a entries < "$HOME_DIR/jobs/target/classpath.txt" || true  # no newline at its end
  for f in "${entries[@]}"; do
    case "$f" in
      */ai/djl/*|*/net/java/dev/jna/*|*/com/google/code/gson/*|*/org/apache/commons/commons-compress/*) cp "$f" "$dir/djl/" ;;
    esac
  done
  cp -r "$HOME_DIR/models/forecaster" "$HOME_DIR/models/sequences" "$dir/models/"
}

build_image() {
  local name=$1
  local file="$IMAGES_DIR/$name/Containerfile"
  local from tag="localhost/augur/$name:$VERSION"
  from=$(from_of "$file")
  local args=()
  case "$from" in
    localhost/augur/base-*) ensure_base "$from" ;;
    *) [ "$name" != profiler ] || args+=(--build-arg "FLINK_IMAGE=$FLINK_IMAGE") ;;
  esac
  local ctx="$HOME_DIR/target/images/context/$name"
  rm -rf "$ctx" && mkdir -p "$ctx"
  if [ "$name" = profiler ]; then
    stage_profiler "$ctx"
  else
    local module
    module=$(sed -n 's/^LABEL io\.augur\.module="\([^"]*\)".*/\1/p' "$file")
    [ -n "$module" ] || fail "$file has no LABEL io.augur.module"
    stage_lib "$module" "$ctx"
  fi
  say "$tag: buildah build ($(du -sh "$ctx" | cut -f1) staged from $(basename "$file"))"
  local previous
  previous=$(buildah inspect --type image --format '{{.FromImageID}}' "$tag" 2>/dev/null || true)
  buildah build --quiet --isolation chroot --pull-never --layers=false "${args[@]}" \
    -f "$file" -t "$tag" "$ctx" >/dev/null
  # The image this tag named before, now untagged: removed (only it, never other images).
  if [ -n "$previous" ] && [ "$previous" != "$(buildah inspect --type image --format '{{.FromImageID}}' "$tag")" ]; then
    buildah rmi "$previous" >/dev/null 2>&1 || true
  fi
  mkdir -p "$OUT"
  rm -f "$OUT/$name.oci.tar"
  buildah push --quiet "$tag" "oci-archive:$OUT/$name.oci.tar:augur/$name:$VERSION" >/dev/null
  say "$tag: $OUT/$name.oci.tar ($(du -h "$OUT/$name.oci.tar" | cut -f1))"
  echo "$OUT/$name.oci.tar"
}

# A base that is not made here (the profiler's Flink image) must already be in local storage.
external_base() {
  local from
  from=$(from_of "$IMAGES_DIR/$1/Containerfile")
  case "$from" in
    localhost/augur/base-*) return 1 ;;
    *) if [ "$1" = profiler ]; then echo "$FLINK_IMAGE"; else echo "$from"; fi ;;
  esac
}

SKIPPED=()
BUILT=0
for name in "${ONLY[@]}"; do
  base=$(external_base "$name" || true)
  if [ -n "$base" ] && ! have_image "$base"; then
    SKIPPED+=("$name")
    say "skipped $name: its base $base is not in local storage (docker.io is not reachable here). On a machine that reaches it: podman pull $base (or podman load -i an archive of it), then ./augur images build --only $name"
    continue
  fi
  build_image "$name"
  BUILT=$((BUILT + 1))
done
say "$BUILT image(s) built in $((SECONDS - START)) s"
# Named with --only and not built: a failure; skipped in a build of all: said above.
[ ${#SKIPPED[@]} -eq 0 ] || [ "$ONLY_GIVEN" -eq 0 ] || fail "not built: ${SKIPPED[*]}"
