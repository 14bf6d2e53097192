// The peerpool sample's status page: plain JavaScript, no build step, nothing from the network.
'use strict';

const FAULTS = ['kill', 'freeze', 'thaw', 'restart'];
// replication of the embedded cluster: offered on replicas only
const REPLICATION = ['promote', 'lag', 'nolag'];
const OPERATIONS = ['drain', 'resume'];
const LABELS = { lag: 'lag 5s', nolag: 'no lag' };
const COLUMNS = ['peer', 'state', 'role', 'lag', 'server', 'active', 'idle', 'routed', 'since', 'last error', 'actions'];

let embedded = false;
let loadRunning = false;
// which peer of main answered the page's own last note read and write: { peer, serverId }
const served = { read: null, write: null };
// the last /api/cluster answer, to redraw the "last read / write" badges at once
let lastData = null;

function el(tag, attributes, ...children) {
	const element = document.createElement(tag);
	for (const [key, value] of Object.entries(attributes || {})) {
		if (key === 'class') {
			element.className = value;
		}
		else if (key.startsWith('on')) {
			element.addEventListener(key.substring(2), value);
		}
		else {
			element.setAttribute(key, value);
		}
	}
	for (const child of children) {
		element.append(child);
	}
	return element;
}

function time(iso) {
	return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '';
}

function say(text, isError) {
	const message = document.getElementById('message');
	message.textContent = text;
	message.className = isError ? 'message error' : 'message';
}

async function post(url, body) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: body ? JSON.stringify(body) : null
	});
	const text = await response.text();
	let json = null;
	try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
	if (!response.ok) {
		throw new Error((json && (json.detail || json.message || json.error)) || response.status + ' ' + text);
	}
	return json;
}

async function act(pool, peer, action, button) {
	const started = performance.now();
	button.disabled = true;
	say(action + ' ' + pool + '/' + peer + ' ...');
	try {
		await post('api/cluster/' + encodeURIComponent(pool) + '/' + encodeURIComponent(peer) + '/' + action);
		say(action + ' ' + pool + '/' + peer + ': done in ' + Math.round(performance.now() - started) + ' ms');
	}
	catch (e) {
		say(action + ' ' + pool + '/' + peer + ' failed: ' + e.message, true);
	}
	finally {
		button.disabled = false;
		refresh();
	}
}

function poolTable(pool) {
	const id = 'pool-' + pool.name;
	let section = document.getElementById(id);
	if (!section) {
		section = el('div', { id: id, class: 'pool', 'data-pool': pool.name },
			el('h2', {}, 'Pool ', el('code', {}, pool.name), ' ', el('span', { class: 'muted summary' })),
			el('table', { class: 'peers' },
				el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', {}, c)))),
				el('tbody')));
		document.getElementById('pools').append(section);
	}
	return section;
}

function peerRow(section, pool, peer) {
	const id = 'peer-' + pool.name + '-' + peer.name;
	let row = document.getElementById(id);
	if (!row) {
		const button = (action) => {
			const element = el('button', {
				type: 'button',
				class: FAULTS.includes(action) ? 'danger' : (REPLICATION.includes(action) ? 'replication' : ''),
				'data-pool': pool.name, 'data-peer': peer.name, 'data-action': action,
				title: action + ' ' + peer.name
			}, LABELS[action] || action);
			element.addEventListener('click', () => act(pool.name, peer.name, action, element));
			return element;
		};
		const actions = el('td', { class: 'actions' });
		if (embedded) {
			actions.append(...FAULTS.map(button));
		}
		actions.append(...OPERATIONS.map(button));
		if (embedded) {
			actions.append(el('br'), ...REPLICATION.map(button));
		}
		row = el('tr', { id: id, 'data-pool': pool.name, 'data-peer': peer.name },
			el('td', {}, el('strong', {}, peer.name), ' ', el('span', { class: 'served' }), el('br'),
				el('span', { class: 'muted url' })),
			el('td', {}, el('span', { class: 'state' }), el('br'), el('span', { class: 'process' })),
			el('td', { class: 'role' }),
			el('td', { class: 'num lag' }),
			el('td', { class: 'server' }),
			el('td', { class: 'num active' }),
			el('td', { class: 'num idle' }),
			el('td', { class: 'num routed' }),
			el('td', { class: 'since' }),
			el('td', { class: 'error last-error' }),
			actions);
		section.querySelector('tbody').append(row);
	}
	return row;
}

function render(data) {
	lastData = data;
	embedded = data.embedded;
	document.getElementById('mode').textContent = data.embedded
		? 'Embedded MariaDB cluster started by the sample (peerpool-test): faults can be injected.'
		: 'External database servers (profile external): drain and resume only.';
	for (const pool of data.pools) {
		const section = poolTable(pool);
		section.querySelector('.summary').textContent = pool.healthy + ' of ' + pool.total + ' peers up';
		for (const peer of pool.peers) {
			const row = peerRow(section, pool, peer);
			const state = row.querySelector('.state');
			state.textContent = peer.state;
			state.className = 'state state-' + peer.state;
			row.setAttribute('data-state', peer.state);
			const process = row.querySelector('.process');
			process.textContent = peer.process && peer.process !== 'running' ? 'process ' + peer.process : '';
			process.className = 'process process-' + (peer.process || '');
			// the driver options after '?' make the line long and say little here
			row.querySelector('.url').textContent = (peer.url || '').replace(/^jdbc:/, '').replace(/\?.*$/, '');
			row.querySelector('.url').title = peer.url || '';
			const role = (peer.role || '').toLowerCase();
			row.setAttribute('data-role', role);
			const roleCell = row.querySelector('.role');
			roleCell.textContent = role;
			roleCell.className = 'role role-' + role;
			// the lag of the last probe: of no meaning for a primary, nor once the peer is DOWN
			row.querySelector('.lag').textContent = (role === 'primary' || peer.state === 'DOWN') ? ''
				: (peer.lagSeconds == null ? 'unknown' : peer.lagSeconds.toFixed(1) + ' s');
			// "MariaDB 11.4.5-MariaDB-log (server_id=2)": the version suffix says nothing here
			row.querySelector('.server').textContent = (peer.server || '').replace(/-MariaDB(-log)?/, '').replace(' (', '\n(');
			for (const action of REPLICATION) {
				const button = row.querySelector('button[data-action="' + action + '"]');
				if (button) {
					button.hidden = role !== 'replica';
				}
			}
			const badges = [];
			if (pool.name === 'main' && served.write && served.write.peer === peer.name) {
				badges.push(el('span', { class: 'badge badge-write' }, 'last write'));
			}
			if (pool.name === 'main' && served.read && served.read.peer === peer.name) {
				badges.push(el('span', { class: 'badge badge-read' }, 'last read'));
			}
			row.querySelector('.served').replaceChildren(...badges);
			row.querySelector('.active').textContent = peer.active;
			row.querySelector('.idle').textContent = peer.idle;
			row.querySelector('.routed').textContent = peer.routed;
			row.querySelector('.since').textContent = time(peer.since)
				+ (peer.retryAt ? '\nretry ' + time(peer.retryAt) : '');
			row.querySelector('.last-error').textContent = peer.lastError
				? (peer.failureReason ? '[' + peer.failureReason + '] ' : '') + peer.lastError : '';
		}
	}
	const load = data.load;
	loadRunning = load.running;
	document.getElementById('load-toggle').textContent = load.running ? 'Stop load' : 'Start load';
	document.getElementById('writes-ok').textContent = load.writesOk;
	document.getElementById('writes-failed').textContent = load.writesFailed;
	document.getElementById('reads-ok').textContent = load.readsOk;
	document.getElementById('reads-failed').textContent = load.readsFailed;
	document.getElementById('load-error').textContent = load.lastError ? 'last error: ' + load.lastError : '';
	drawChart(data.chart);
}

let refreshing = false;

async function refresh() {
	if (refreshing) {
		return;
	}
	refreshing = true;
	try {
		const response = await fetch('api/cluster', { cache: 'no-store' });
		render(await response.json());
	}
	catch (e) {
		document.getElementById('mode').textContent = 'The sample app does not answer: ' + e.message;
	}
	finally {
		refreshing = false;
	}
}

function describe(servedBy) {
	return servedBy ? servedBy.peer + ' (server_id ' + servedBy.serverId + ')' : '\u2013';
}

function showServed() {
	document.getElementById('last-write').textContent = describe(served.write);
	document.getElementById('last-read').textContent = describe(served.read);
	if (lastData) {
		render(lastData);
	}
}

async function loadNotes() {
	try {
		const response = await fetch('api/notes', { cache: 'no-store' });
		if (!response.ok) {
			throw new Error(response.status);
		}
		const body = await response.json();
		served.read = body.servedBy;
		showServed();
		const list = document.getElementById('notes');
		list.replaceChildren(...body.notes.map((note) =>
			el('li', {}, '#' + note.id + ' ', note.text, ' ', el('span', { class: 'muted' }, time(note.created)))));
	}
	catch (e) {
		document.getElementById('note-result').textContent = 'Could not read notes: ' + e.message;
	}
}

document.getElementById('note-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const input = document.getElementById('note-text');
	const result = document.getElementById('note-result');
	try {
		const created = await post('api/notes', { text: input.value });
		result.textContent = 'Note #' + created.note.id + ' written to ' + describe(created.servedBy) + '.';
		served.write = created.servedBy;
		showServed();
		input.value = '';
	}
	catch (e) {
		result.textContent = 'Could not add the note: ' + e.message;
	}
	loadNotes();
});

document.getElementById('notes-reload').addEventListener('click', loadNotes);

document.getElementById('load-toggle').addEventListener('click', async () => {
	try {
		await post('api/load/' + (loadRunning ? 'stop' : 'start'));
	}
	catch (e) {
		say('load: ' + e.message, true);
	}
	refresh();
});

document.getElementById('load-reset').addEventListener('click', async () => {
	await post('api/load/reset');
	refresh();
});

refresh();
loadNotes();
setInterval(refresh, 1000);
