// Lint Cypher texts with Neo4j's own linter. stdin: {"schema": {...}, "queries": [{"id", "text", "parameters"}]}
// stdout: [{"id", "diagnostics": [{"severity", "message", "line", "character"}]}]
const { lintCypherQuery } = require('@neo4j-cypher/language-support');
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  const { schema, queries } = JSON.parse(input);
  const out = queries.map((q) => {
    const result = lintCypherQuery(q.text, { ...schema, parameters: q.parameters || {} });
    const diagnostics = (result.diagnostics || result).map((d) => ({
      severity: d.severity, message: d.message, line: d.range.start.line + 1, character: d.range.start.character,
    }));
    return { id: q.id, diagnostics };
  });
  process.stdout.write(JSON.stringify(out));
});
