// duckdb.cjs NODE_DIR SQL: run SQL in an in-memory DuckDB and print each
// row of the answer as one line of comma-separated values. NODE_DIR is where `npm install
// @duckdb/node-api` put node_modules (build/bench/node), so the package
// never has to be installed next to the sources.
'use strict';
const path = require('path');
const [nodeDir, sql] = process.argv.slice(2);
const { DuckDBInstance } = require(path.resolve(nodeDir, 'node_modules/@duckdb/node-api'));

async function main() {
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	const reader = await connection.runAndReadAll(sql);
	// String() prints a HUGEINT sum exactly (a BigInt), a DOUBLE as JS does.
	for (const row of reader.getRows())
		console.log(row.map(String).join(','));
}

main().catch((err) => {
	console.error(String(err.message || err).split('\n')[0]);
	process.exit(1);
});
