// A minimal app that uses the npm package `spsview` as any bundled web app
// would: bare import, same-origin login, async iteration, query builder, CSV.
import { init, SpsClient, SpsError, Query, toCsv } from 'spsview';

const $ = (id) => document.getElementById(id);
const LIMIT = 50;

async function list(event) {
  event.preventDefault();
  $('status').textContent = 'loading';
  $('error').textContent = '';
  const body = $('sessions').querySelector('tbody');
  body.replaceChildren();
  try {
    await init();
    $('built').textContent = Query.field('protocol').eq('ssh').and(Query.field('verdict').eq('accept')).toString();
    // No base URL: the page is served from the API's origin.
    const sps = await SpsClient.login(undefined, { user: $('user').value, password: $('password').value });
    const rows = [];
    const query = { q: $('query').value, fields: ['protocol', 'user.gateway_username', 'start_time'] };
    for await (const row of sps.sessions(query)) {
      rows.push(row);
      const tr = document.createElement('tr');
      tr.className = 'session-row';
      tr.dataset.key = row.key;
      for (const text of [row.key, row.body.protocol, row.body['user.gateway_username'], row.body.start_time]) {
        const td = document.createElement('td');
        td.textContent = String(text ?? '');
        tr.append(td);
      }
      body.append(tr);
      if (rows.length === LIMIT) break;
    }
    $('csv').textContent = (await toCsv(rows.slice(0, 3))).trimEnd();
    $('status').textContent = `done: ${rows.length} sessions`;
  } catch (err) {
    $('error').textContent = err instanceof SpsError
      ? `${err.name} ${err.type} ${err.status ?? ''}: ${err.message}`
      : `unexpected: ${err}`;
    $('status').textContent = 'failed';
  }
}

$('login').addEventListener('submit', list);
