// The status page's chart of the last 60 s: hand-written SVG, no library, nothing from the network.
// Strips, top to bottom: requests per second of the background load (ok green, failed red) with the
// p99 latency (line, right axis); which peer served the reads; which served the writes. Vertical
// markers: the operator's actions (kill, freeze, restart, promote...) and pool main's timeline
// events (DOWN, UP, promotion, lagging), from GET /api/cluster.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const WINDOW_MS = 60000;
const PEER_COLORS = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2'];
const MARKER_COLORS = {
	action: '#111827', down: '#dc2626', up: '#16a34a', promotion: '#1d4ed8', demotion: '#6b7280',
	lagging: '#7c3aed', 'caught-up': '#7c3aed'
};

function svg(tag, attributes, text) {
	const element = document.createElementNS(SVG, tag);
	for (const [key, value] of Object.entries(attributes || {})) {
		element.setAttribute(key, value);
	}
	if (text != null) {
		element.textContent = text;
	}
	return element;
}

function niceMax(value) {
	if (!(value > 0)) {
		return 1;
	}
	const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
	for (const step of [1, 2, 2.5, 5, 10]) {
		if (value <= step * magnitude) {
			return step * magnitude;
		}
	}
	return 10 * magnitude;
}

function drawChart(chart) {
	const root = document.getElementById('chart');
	if (!root || !chart) {
		return;
	}
	const width = Math.max(600, root.parentElement.clientWidth - 24);
	const height = 300;
	const left = 48, right = 56, top = 46;
	const plot = width - left - right;
	const requests = { y: top, h: 120 };
	const reads = { y: requests.y + requests.h + 14, h: 34 };
	const writes = { y: reads.y + reads.h + 8, h: 34 };
	const axisY = writes.y + writes.h + 14;
	const start = chart.now - WINDOW_MS;
	const x = (t) => left + ((t - start) / WINDOW_MS) * plot;
	const column = plot / 60;
	const colorOf = (peer) => {
		const index = chart.peers.indexOf(peer);
		return index >= 0 ? PEER_COLORS[index % PEER_COLORS.length] : '#9ca3af';
	};

	root.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
	root.setAttribute('width', width);
	root.setAttribute('height', height);
	const parts = [];

	// requests per second: ok stacked under failed
	const maxRequests = niceMax(Math.max(...chart.seconds.map((s) => s.ok + s.failed), 1));
	const maxP99 = niceMax(Math.max(...chart.seconds.map((s) => s.p99Ms || 0), 1));
	parts.push(svg('rect', { x: left, y: requests.y, width: plot, height: requests.h, class: 'plot' }));
	for (const fraction of [0.5, 1]) {
		const y = requests.y + requests.h * (1 - fraction);
		parts.push(svg('line', { x1: left, x2: left + plot, y1: y, y2: y, class: 'grid' }));
		parts.push(svg('text', { x: left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, String(maxRequests * fraction)));
		parts.push(svg('text', { x: left + plot + 6, y: y + 4, class: 'axis axis-p99' }, (maxP99 * fraction) + ' ms'));
	}
	parts.push(svg('text', { x: left - 6, y: requests.y + requests.h + 4, class: 'axis', 'text-anchor': 'end' }, '0'));
	parts.push(svg('text', { x: 4, y: requests.y - 6, class: 'axis' }, 'req/s'));
	parts.push(svg('text', { x: left + plot + 6, y: requests.y - 6, class: 'axis axis-p99' }, 'p99'));
	const p99Points = [];
	for (const second of chart.seconds) {
		const x0 = x(second.t) + 0.5;
		const w = Math.max(1, column - 1);
		const okHeight = requests.h * second.ok / maxRequests;
		const failedHeight = requests.h * second.failed / maxRequests;
		if (second.ok > 0) {
			parts.push(svg('rect', { x: x0, y: requests.y + requests.h - okHeight, width: w, height: okHeight,
				class: 'bar-ok', 'data-t': second.t, 'data-count': second.ok }));
		}
		if (second.failed > 0) {
			parts.push(svg('rect', { x: x0, y: requests.y + requests.h - okHeight - failedHeight, width: w,
				height: Math.max(2, failedHeight), class: 'bar-failed', 'data-t': second.t, 'data-count': second.failed },
				null));
		}
		if (second.p99Ms != null) {
			p99Points.push((x0 + w / 2).toFixed(1) + ',' + (requests.y + requests.h * (1 - second.p99Ms / maxP99)).toFixed(1));
		}
	}
	if (p99Points.length > 0) {
		parts.push(svg('polyline', { points: p99Points.join(' '), class: 'p99' }));
	}

	// share of reads and of writes per peer: each second a 100 % column split by peer
	for (const [strip, key, label] of [[reads, 'reads', 'reads'], [writes, 'writes', 'writes']]) {
		parts.push(svg('rect', { x: left, y: strip.y, width: plot, height: strip.h, class: 'plot' }));
		parts.push(svg('text', { x: left - 6, y: strip.y + strip.h / 2 + 4, class: 'axis', 'text-anchor': 'end' }, label));
		for (const second of chart.seconds) {
			const served = second[key] || {};
			const total = Object.values(served).reduce((a, b) => a + b, 0);
			let y = strip.y;
			for (const peer of Object.keys(served)) {
				const h = strip.h * served[peer] / total;
				parts.push(svg('rect', { x: x(second.t) + 0.5, y: y, width: Math.max(1, column - 1), height: h,
					fill: colorOf(peer), class: 'share share-' + key, 'data-peer': peer }));
				y += h;
			}
		}
	}

	// time axis
	for (let ago = 60; ago >= 0; ago -= 15) {
		const t = chart.now - ago * 1000;
		parts.push(svg('text', { x: x(t), y: axisY, class: 'axis', 'text-anchor': ago === 60 ? 'start' : (ago === 0 ? 'end' : 'middle') },
			ago === 0 ? 'now' : '-' + ago + ' s'));
	}

	// markers, labels in three rows so that a kill and the DOWN it causes a second later both read
	const rows = [-Infinity, -Infinity, -Infinity];
	const markers = chart.markers.slice().sort((a, b) => a.t - b.t);
	for (const marker of markers) {
		const mx = x(marker.t);
		if (mx < left || mx > left + plot) {
			continue;
		}
		const color = MARKER_COLORS[marker.kind] || '#111827';
		const labelWidth = 7 * marker.label.length + 8;
		// near the right edge the label goes to the left of its line
		const flip = mx + labelWidth > width;
		const from = flip ? mx - labelWidth : mx;
		let row = rows.findIndex((end) => end < from);
		if (row < 0) {
			row = rows.indexOf(Math.min(...rows));
		}
		rows[row] = from + labelWidth;
		const labelY = 12 + row * 12;
		const group = svg('g', { class: 'marker marker-' + marker.kind + (marker.action ? ' marker-' + marker.action : ''),
			'data-kind': marker.kind, 'data-peer': marker.peer || '', 'data-label': marker.label });
		group.append(svg('title', {}, marker.text || marker.label));
		group.append(svg('line', { x1: mx, x2: mx, y1: labelY + 2, y2: writes.y + writes.h, stroke: color,
			'stroke-dasharray': marker.kind === 'action' ? '4 3' : '', class: 'marker-line' }));
		group.append(svg('text', { x: flip ? mx - 3 : mx + 3, y: labelY, fill: color, class: 'marker-label',
			'text-anchor': flip ? 'end' : 'start' }, marker.label));
		parts.push(group);
	}
	root.replaceChildren(...parts);

	const legend = document.getElementById('chart-legend');
	if (legend) {
		const item = (cls, color, text) => {
			const swatch = document.createElement('span');
			swatch.className = 'swatch ' + cls;
			if (color) {
				swatch.style.background = color;
			}
			const entry = document.createElement('span');
			entry.className = 'legend-item';
			entry.append(swatch, text);
			return entry;
		};
		legend.replaceChildren(item('swatch-ok', null, 'ok'), item('swatch-failed', null, 'failed'),
			item('swatch-p99', null, 'p99 latency'),
			...chart.peers.map((peer) => item('', colorOf(peer), peer)),
			item('swatch-action', null, 'your action'), item('swatch-down', null, 'DOWN'),
			item('swatch-up', null, 'UP'), item('swatch-promotion', null, 'promotion'));
	}
}
