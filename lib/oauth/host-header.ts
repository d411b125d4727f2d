/**
 * The one shape a Host (or X-Forwarded-Host) header may have to become part of a redirect_uri:
 * `host[:port]`, where host is a DNS name, an IPv4 address or a bracketed IPv6 address and port
 * is 1 to 65535. Anything else (`127.0.0.1:1@evil.example`, an empty value, `a b`, a path) would
 * make a URL whose host is not the one the client asked for, or no URL at all.
 */
import { isIPv4, isIPv6 } from 'node:net';

const HOST_AND_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::([0-9]{1,5}))?$/i;
// Letters, digits and hyphens (RFC 1123), plus the underscore container and service names use.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
const MAX_NAME_LENGTH = 253;
/** A last label that URL parsers read as a number, making the whole name an IPv4 address. */
const NUMERIC_LABEL = /^(?:[0-9]+|0x[0-9a-f]*)$/i;

/** True when `value` is `host[:port]` as described above. */
export function isHostAndPort(value: string): boolean {
  const match = HOST_AND_PORT.exec(value);
  if (match === null) return false;
  const [, host = '', port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  if (host.startsWith('[')) return isIPv6(host.slice(1, -1));
  return isIPv4(host) || isDNSName(host);
}

function isDNSName(name: string): boolean {
  if (name.length > MAX_NAME_LENGTH) return false;
  const labels = name.split('.');
  if (NUMERIC_LABEL.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((label) => LABEL.test(label));
}
