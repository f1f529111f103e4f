// polars.cjs NODE_DIR FILE SCAN_JSON SQL: scan FILE with nodejs-polars
// (pl.scanCSV with the options of SCAN_JSON; its "names", if any, rename
// the columns in order), run SQL on it as table t, and print each row of
// the answer as one line of comma-separated values. NODE_DIR is where
// `npm install nodejs-polars` put node_modules (build/bench/node). Polars
// runs the query on its thread pool, one thread per CPU.
'use strict';
const path = require('path');
const [nodeDir, file, scanJson, sql] = process.argv.slice(2);
const pl = require(path.resolve(nodeDir, 'node_modules/nodejs-polars'));

try {
	const { names, ...options } = JSON.parse(scanJson);
	let frame = pl.scanCSV(file, options);
	if (names) {
		const rename = {};
		frame.columns.forEach((c, i) => { rename[c] = names[i]; });
		frame = frame.rename(rename);
	}
	const answer = pl.SQLContext({ t: frame }).execute(sql, { eager: true });
	for (const row of answer.rows())
		console.log(row.map(String).join(','));
} catch (err) {
	console.error(String(err.message || err).split('\n')[0]);
	process.exit(1);
}
