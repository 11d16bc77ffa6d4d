/** The first archive item of prosody-facts.md, as Prosody 0.12 wrote it. */
export const ARCHIVE_ITEM = `item({
\t{
\t\t"Quotes: \\'single\\' \\"double\\" \`back\`";
\t\t["name"] = "body";
\t\t["attr"] = {};
\t};
\t["name"] = "message";
\t["attr"] = {
\t\t["id"] = "7mVmx7YNHBxhO2gtNW7fS-ym";
\t\t["from"] = "romeo@montague.example/web-3f2a";
\t\t["type"] = "chat";
\t\t["stamp"] = "2023-10-03T09:30:08Z";
\t\t["to"] = "alice@example.com";
\t};
\t["key"] = "NmmB2o0UaQtrdQSl_9rGrP-N";
\t["when"] = 1696325408;
\t["with"] = "romeo@montague.example";
});
`;
