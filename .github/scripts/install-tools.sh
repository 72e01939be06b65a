#!/usr/bin/env bash
# Installs the command-line tools pinned in clusters/versions.yaml (linux/amd64) into $INSTALL_DIR
# (default ~/.local/bin), and checks every download by sha256 before it is installed:
#   - against the sha256 recorded in versions.yaml when there is one (and the upstream checksum file must agree);
#   - otherwise against the upstream checksum file: versions.yaml's checksumUrl (kind, kubectl, helm), or the
#     release's own checksum asset (istioctl: <archive>.sha256, written by istio/release-builder CreateSha;
#     linkerd: <binary>.sha256, as run.linkerd.io/install-edge checks it; cilium-cli: <archive>.sha256sum, as its
#     README's install steps check it).
# Any mismatch, missing checksum or failed download stops the script (exit 1) before anything is installed.
# A checksum file from the same server as the download guards against corruption, not against that server; the
# sha256 pins in versions.yaml are the stronger check.
#
# Usage: .github/scripts/install-tools.sh [kind|kubectl|helm|istioctl|linkerd|cilium ...]   (default: all)
# Needs: bash, curl, sha256sum, tar, install, and node with this repository's dependencies installed (npm ci), to
# read versions.yaml. Environment: INSTALL_DIR, VERSIONS_FILE (default: clusters/versions.yaml).
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
versions_file=${VERSIONS_FILE:-$repo_root/clusters/versions.yaml}
install_dir=${INSTALL_DIR:-$HOME/.local/bin}
all_tools=(kind kubectl helm istioctl linkerd cilium)

die() {
  printf 'install-tools: %s\n' "$*" >&2
  exit 1
}

# pin <dotted path in versions.yaml> <version|url|sha256|sha256-optional>: the value, checked for its kind so it
# is safe to put in a URL or a path.
pin() {
  (cd -- "$repo_root" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { parse } from "yaml";
    const [file, path, kind] = process.argv.slice(1);
    let value = parse(readFileSync(file, "utf8"));
    for (const key of path.split(".")) value = value == null ? undefined : value[key];
    const fail = (why) => { process.stderr.write(`install-tools: ${file}: ${path}: ${why}\n`); process.exit(1); };
    if (value === undefined && kind === "sha256-optional") process.exit(0);
    if (typeof value !== "string") fail("missing");
    const patterns = {
      version: /^[A-Za-z0-9][A-Za-z0-9.+-]*$/,
      url: /^https:\/\/[A-Za-z0-9.-]+\/[A-Za-z0-9._~\/+-]*$/,
      sha256: /^[0-9a-f]{64}$/,
      "sha256-optional": /^[0-9a-f]{64}$/,
    };
    if (!patterns[kind]) fail(`unknown kind ${kind}`);
    if (!patterns[kind].test(value)) fail(`not a ${kind}: ${JSON.stringify(value)}`);
    process.stdout.write(value);
  ' "$versions_file" "$1" "$2")
}

fetch() {
  curl --fail --silent --show-error --location --retry 3 --proto '=https' --proto-redir '=https' --tlsv1.2 \
    --output "$2" "$1"
}

# upstream_sha256 <checksum file URL> <name of the file it is for>: the sha256 in the checksum file. Accepts a bare
# hash (kubectl, linkerd) or "<hash> <name>" / "<hash>  <name>" / "<hash> *<name>" (sha256sum, shasum, istio),
# and then the name must be the downloaded file's.
upstream_sha256() {
  local url=$1 name=$2 file sum listed
  file=$(mktemp -p "$work")
  fetch "$url" "$file" || die "cannot download checksum file $url"
  read -r sum listed _ <"$file" || [[ -n ${sum:-} ]] || die "$url is empty"
  [[ $sum =~ ^[0-9a-f]{64}$ ]] || die "$url does not start with a sha256: $(head -c 80 "$file")"
  listed=${listed#\*}
  if [[ -n $listed && $listed != "$name" ]]; then
    die "$url is the checksum of $listed, not of $name"
  fi
  printf '%s' "$sum"
}

# download_verified <url> <destination> <pinned sha256 or ""> <checksum file URL or "">
download_verified() {
  local url=$1 dest=$2 pinned=$3 checksum_url=$4 upstream='' expected actual
  if [[ -n $checksum_url ]]; then
    upstream=$(upstream_sha256 "$checksum_url" "$(basename -- "$url")")
  fi
  if [[ -n $pinned ]]; then
    if [[ -n $upstream && $upstream != "$pinned" ]]; then
      die "sha256 pinned in versions.yaml for $url is $pinned, but $checksum_url says $upstream"
    fi
    expected=$pinned
  else
    expected=$upstream
  fi
  [[ -n $expected ]] || die "no sha256 to check $url against"
  fetch "$url" "$dest" || die "cannot download $url"
  actual=$(sha256sum -- "$dest")
  actual=${actual%% *}
  if [[ $actual != "$expected" ]]; then
    die "checksum mismatch for $url: expected $expected, got $actual"
  fi
  printf 'install-tools: %s: sha256 %s ok\n' "$(basename -- "$url")" "$actual" >&2
}

# install_download <tool> <versions.yaml path of the download>: kind and kubectl (a binary), helm (an archive).
install_pinned_download() {
  local tool=$1 base=$2 version url checksum_url sha
  version=$(pin "$tool.version" version)
  url=$(pin "$base.url" url)
  checksum_url=$(pin "$base.checksumUrl" url)
  sha=$(pin "$base.sha256" sha256-optional)
  [[ $url == *"/$version/"* || $url == *"-$version-"* ]] || die "$base.url does not name $tool.version $version: $url"
  download_verified "$url" "$work/$tool.download" "$sha" "$checksum_url"
}

install_kind() {
  install_pinned_download kind kind.linuxAmd64
  install -m 0755 -- "$work/kind.download" "$install_dir/kind"
}

install_kubectl() {
  install_pinned_download kubectl kubectl.linuxAmd64
  install -m 0755 -- "$work/kubectl.download" "$install_dir/kubectl"
}

install_helm() {
  install_pinned_download helm helm.linuxAmd64
  mkdir -- "$work/helm"
  tar -xzf "$work/helm.download" -C "$work/helm" linux-amd64/helm
  install -m 0755 -- "$work/helm/linux-amd64/helm" "$install_dir/helm"
}

install_istioctl() {
  local version url
  version=$(pin meshes.istio.version version)
  url="https://github.com/istio/istio/releases/download/$version/istioctl-$version-linux-amd64.tar.gz"
  download_verified "$url" "$work/istioctl.tar.gz" '' "$url.sha256"
  mkdir -- "$work/istioctl"
  tar -xzf "$work/istioctl.tar.gz" -C "$work/istioctl" istioctl
  install -m 0755 -- "$work/istioctl/istioctl" "$install_dir/istioctl"
}

install_linkerd() {
  local version url
  version=$(pin meshes.linkerd.version version)
  url="https://github.com/linkerd/linkerd2/releases/download/$version/linkerd2-cli-$version-linux-amd64"
  download_verified "$url" "$work/linkerd" '' "$url.sha256"
  install -m 0755 -- "$work/linkerd" "$install_dir/linkerd"
}

install_cilium() {
  local version url
  version=$(pin meshes.cilium.cliVersion version)
  url="https://github.com/cilium/cilium-cli/releases/download/$version/cilium-linux-amd64.tar.gz"
  download_verified "$url" "$work/cilium.tar.gz" '' "$url.sha256sum"
  mkdir -- "$work/cilium"
  tar -xzf "$work/cilium.tar.gz" -C "$work/cilium" cilium
  install -m 0755 -- "$work/cilium/cilium" "$install_dir/cilium"
}

main() {
  local tools=("$@") tool
  [[ ${#tools[@]} -gt 0 ]] || tools=("${all_tools[@]}")
  for tool in "${tools[@]}"; do
    [[ " ${all_tools[*]} " == *" $tool "* ]] || die "unknown tool $tool (one of: ${all_tools[*]})"
  done
  [[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || die "the pins are for linux/amd64, this is $(uname -s)/$(uname -m)"
  [[ -f $versions_file ]] || die "no versions file at $versions_file"
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
  mkdir -p -- "$install_dir"
  for tool in "${tools[@]}"; do
    "install_$tool"
    printf 'install-tools: installed %s\n' "$install_dir/$tool" >&2
  done
}

main "$@"
