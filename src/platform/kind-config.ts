import { stringify } from 'yaml';
import type { FileSystem } from '../core/deps.js';
import { InputError, type InputProblem } from '../core/errors.js';
import { parseYamlDocument, readInputFile, yamlData } from '../core/input-file.js';

/**
 * kind cluster configs (clusters/kind/*.yaml): load, check, and render with the pinned node image.
 *
 * The check follows kind v0.32.0 itself, so a config that passes here is not rejected by `kind create cluster`:
 * - the decoder (pkg/internal/apis/config/encoding/load.go): apiVersion must be kind.x-k8s.io/v1alpha4, kind must be
 *   Cluster, and the body is decoded strictly (go-yaml v3 KnownFields) into pkg/apis/config/v1alpha4/types.go, so
 *   an unknown field anywhere is an error. Field types follow go-yaml v3's rules: any scalar decodes into a string
 *   field, null leaves a field unset, bools also take yes/no/on/off, int32 fields take numbers;
 * - the validation kind runs before creating anything (pkg/internal/apis/config/validate.go): node roles, ipFamily,
 *   kubeProxyMode (including `none`), port ranges, the cluster name's characters, at least one control-plane node;
 * - the docker provider's port mapping protocols (TCP, UDP, SCTP).
 * Stricter than kind in one place: an unknown mount `propagation`, which kind silently treats as None.
 * Not repeated here: subnet CIDR parsing and duplicate host-port detection (kind reports both itself).
 */

export const KIND_API_VERSION = 'kind.x-k8s.io/v1alpha4';
export const KIND_CLUSTER_KIND = 'Cluster';

export type KindNodeRole = 'control-plane' | 'worker';

export interface KindPatchJSON6902 {
  group?: string;
  version?: string;
  kind?: string;
  patch?: string;
}

export interface KindMount {
  containerPath?: string;
  hostPath?: string;
  readOnly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: 'None' | 'HostToContainer' | 'Bidirectional';
}

export interface KindPortMapping {
  containerPort?: number;
  hostPort?: number;
  listenAddress?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface KindNode {
  role?: KindNodeRole;
  image?: string;
  labels?: Record<string, string>;
  extraMounts?: KindMount[];
  extraPortMappings?: KindPortMapping[];
  kubeadmConfigPatches?: string[];
  kubeadmConfigPatchesJSON6902?: KindPatchJSON6902[];
}

export interface KindNetworking {
  ipFamily?: 'ipv4' | 'ipv6' | 'dual';
  apiServerPort?: number;
  apiServerAddress?: string;
  podSubnet?: string;
  serviceSubnet?: string;
  disableDefaultCNI?: boolean;
  kubeProxyMode?: 'iptables' | 'ipvs' | 'nftables' | 'none';
  dnsSearch?: string[];
}

/** kind's v1alpha4 Cluster (pkg/apis/config/v1alpha4/types.go at v0.32.0). */
export interface KindConfig {
  kind: typeof KIND_CLUSTER_KIND;
  apiVersion: typeof KIND_API_VERSION;
  /** Overridden by `kind create cluster --name`, which is how the harness names clusters. */
  name?: string;
  nodes?: KindNode[];
  networking?: KindNetworking;
  featureGates?: Record<string, boolean>;
  runtimeConfig?: Record<string, string>;
  kubeadmConfigPatches?: string[];
  kubeadmConfigPatchesJSON6902?: KindPatchJSON6902[];
  containerdConfigPatches?: string[];
  containerdConfigPatchesJSON6902?: string[];
}

// --- the v1alpha4 shape, as data ---

type Shape =
  | { t: 'string' }
  | { t: 'bool' }
  | { t: 'int32' }
  | { t: 'object'; fields: Record<string, Shape> }
  | { t: 'list'; of: Shape }
  | { t: 'map'; of: Shape };

const str: Shape = { t: 'string' };
const bool: Shape = { t: 'bool' };
const int32: Shape = { t: 'int32' };
const list = (of: Shape): Shape => ({ t: 'list', of });
const map = (of: Shape): Shape => ({ t: 'map', of });
const object = (fields: Record<string, Shape>): Shape => ({ t: 'object', fields });

const patchJSON6902 = object({ group: str, version: str, kind: str, patch: str });

const nodeShape = object({
  role: str,
  image: str,
  labels: map(str),
  extraMounts: list(
    object({ containerPath: str, hostPath: str, readOnly: bool, selinuxRelabel: bool, propagation: str }),
  ),
  extraPortMappings: list(object({ containerPort: int32, hostPort: int32, listenAddress: str, protocol: str })),
  kubeadmConfigPatches: list(str),
  kubeadmConfigPatchesJSON6902: list(patchJSON6902),
});

const clusterShape = object({
  kind: str,
  apiVersion: str,
  name: str,
  nodes: list(nodeShape),
  networking: object({
    ipFamily: str,
    apiServerPort: int32,
    apiServerAddress: str,
    podSubnet: str,
    serviceSubnet: str,
    disableDefaultCNI: bool,
    kubeProxyMode: str,
    dnsSearch: list(str),
  }),
  featureGates: map(bool),
  runtimeConfig: map(str),
  kubeadmConfigPatches: list(str),
  kubeadmConfigPatchesJSON6902: list(patchJSON6902),
  containerdConfigPatches: list(str),
  containerdConfigPatchesJSON6902: list(str),
});

const NODE_ROLES = ['control-plane', 'worker'];
const IP_FAMILIES = ['ipv4', 'ipv6', 'dual'];
const KUBE_PROXY_MODES = ['iptables', 'ipvs', 'nftables', 'none'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const PROPAGATIONS = ['None', 'HostToContainer', 'Bidirectional'];
const YAML11_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const CLUSTER_NAME = /^[a-z0-9.-]+$/;

interface Problem {
  field: string;
  message: string;
}

/**
 * Every problem in a parsed kind config, as `field: message` lines (empty when kind would accept it). A wrong
 * apiVersion or kind is reported alone: kind stops there too, since the rest cannot be interpreted.
 */
export function validateKindConfig(obj: unknown): string[] {
  return kindConfigProblems(obj).map((p) => (p.field ? `${p.field}: ${p.message}` : p.message));
}

function kindConfigProblems(obj: unknown): Problem[] {
  if (!isPlainObject(obj)) {
    return [{ field: '', message: `must be a mapping with apiVersion: ${KIND_API_VERSION} and kind: ${KIND_CLUSTER_KIND}` }];
  }
  if (obj.apiVersion !== KIND_API_VERSION) {
    return [{ field: 'apiVersion', message: `must be ${KIND_API_VERSION} (the only config version kind v0.32.0 reads), got ${describe(obj.apiVersion)}` }];
  }
  if (obj.kind !== KIND_CLUSTER_KIND) {
    return [{ field: 'kind', message: `must be ${KIND_CLUSTER_KIND}, got ${describe(obj.kind)}` }];
  }
  const problems: Problem[] = [];
  checkShape(obj, clusterShape, '', problems);
  if (problems.length > 0) return problems;
  checkValues(obj as unknown as KindConfig, problems);
  return problems;
}

function checkShape(value: unknown, shape: Shape, field: string, out: Problem[]): void {
  // go-yaml leaves a field at its zero value for null, whatever its type.
  if (value === null || value === undefined) return;
  switch (shape.t) {
    case 'string':
      if (!isScalar(value)) out.push({ field, message: `must be a string, got ${describe(value)}` });
      return;
    case 'bool':
      if (typeof value !== 'boolean' && !(typeof value === 'string' && YAML11_BOOLS.has(value))) {
        out.push({ field, message: `must be true or false, got ${describe(value)}` });
      }
      return;
    case 'int32':
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.trunc(value) < -(2 ** 31) || Math.trunc(value) > 2 ** 31 - 1) {
        out.push({ field, message: `must be a 32-bit integer, got ${describe(value)}` });
      }
      return;
    case 'list':
      if (!Array.isArray(value)) {
        out.push({ field, message: `must be a list, got ${describe(value)}` });
        return;
      }
      value.forEach((item, i) => checkShape(item, shape.of, `${field}[${i}]`, out));
      return;
    case 'map':
      if (!isPlainObject(value)) {
        out.push({ field, message: `must be a mapping, got ${describe(value)}` });
        return;
      }
      for (const [key, item] of Object.entries(value)) checkShape(item, shape.of, join(field, key), out);
      return;
    case 'object':
      if (!isPlainObject(value)) {
        out.push({ field, message: `must be a mapping, got ${describe(value)}` });
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        const fieldShape = shape.fields[key];
        if (fieldShape === undefined) {
          out.push({ field: join(field, key), message: `unknown field (kind v1alpha4 has: ${Object.keys(shape.fields).join(', ')})` });
        } else {
          checkShape(item, fieldShape, join(field, key), out);
        }
      }
      return;
  }
}

/** The checks of kind's Cluster.Validate and its docker provider, on a config of the right shape. */
function checkValues(config: KindConfig, out: Problem[]): void {
  const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  const oneOf = (field: string, value: unknown, allowed: string[]): void => {
    const s = text(value);
    if (s !== '' && !allowed.includes(s)) out.push({ field, message: `must be one of ${allowed.join(', ')}, got ${JSON.stringify(s)}` });
  };
  const port = (field: string, value: unknown): void => {
    if (typeof value === 'number' && (Math.trunc(value) < -1 || Math.trunc(value) > 65535)) {
      out.push({ field, message: `must be a port number (-1 to 65535), got ${value}` });
    }
  };

  const name = text(config.name);
  if (name !== '' && !CLUSTER_NAME.test(name)) {
    out.push({ field: 'name', message: `must match ${CLUSTER_NAME.source}, got ${JSON.stringify(name)}` });
  }
  const networking = config.networking ?? {};
  oneOf('networking.ipFamily', networking.ipFamily, IP_FAMILIES);
  oneOf('networking.kubeProxyMode', networking.kubeProxyMode, KUBE_PROXY_MODES);
  port('networking.apiServerPort', networking.apiServerPort);

  const nodes = config.nodes ?? [];
  nodes.forEach((node, i) => {
    const at = `nodes[${i}]`;
    if (node === null) return;
    oneOf(`${at}.role`, node.role, NODE_ROLES);
    (node.extraPortMappings ?? []).forEach((mapping, j) => {
      if (mapping === null) return;
      port(`${at}.extraPortMappings[${j}].hostPort`, mapping.hostPort);
      port(`${at}.extraPortMappings[${j}].containerPort`, mapping.containerPort);
      oneOf(`${at}.extraPortMappings[${j}].protocol`, mapping.protocol, PROTOCOLS);
    });
    (node.extraMounts ?? []).forEach((mount, j) => {
      if (mount !== null) oneOf(`${at}.extraMounts[${j}].propagation`, mount.propagation, PROPAGATIONS);
    });
  });
  // No nodes means kind's default single control-plane node; a role left empty defaults to control-plane.
  if (nodes.length > 0 && !nodes.some((n) => n === null || text(n.role) === '' || n.role === 'control-plane')) {
    out.push({ field: 'nodes', message: 'must include at least one control-plane node' });
  }
}

// --- load and render ---

/** Parses and checks a kind config; throws InputError with one problem per field, naming `source`. */
export function parseKindConfig(text: string, source: string): KindConfig {
  const data = yamlData(parseYamlDocument(text, source), source);
  const problems: InputProblem[] = kindConfigProblems(data).map((p) => ({ source, ...p }));
  if (problems.length > 0) throw new InputError(problems);
  return data as KindConfig;
}

export async function loadKindConfig(path: string, deps: { fs: FileSystem }): Promise<KindConfig> {
  return parseKindConfig(await readInputFile(path, deps.fs, 'kind config'), path);
}

/**
 * The config kind is given: `base` with `image` set on every node, so the node image comes from
 * clusters/versions.yaml and never from kind's built-in default. A config without nodes gets kind's default
 * single control-plane node, with the image. `base` is not modified.
 */
export function renderKindConfig(base: KindConfig, opts: { nodeImage: string }): string {
  if (opts.nodeImage.trim() === '') throw new Error('renderKindConfig: nodeImage must not be empty');
  const config = structuredClone(base);
  const nodes: KindNode[] = config.nodes && config.nodes.length > 0 ? config.nodes : [{ role: 'control-plane' }];
  config.nodes = nodes.map((node) => ({ ...node, image: opts.nodeImage }));
  const problems = validateKindConfig(config);
  if (problems.length > 0) throw new Error(`renderKindConfig: the rendered config is invalid:\n${problems.join('\n')}`);
  return stringify(config, { lineWidth: 0 });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function join(field: string, key: string): string {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (field === '') return part.startsWith('"') ? `[${part}]` : part;
  return part.startsWith('"') ? `${field}[${part}]` : `${field}.${part}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

