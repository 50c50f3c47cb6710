// A local S3-compatible server for the tests: @20minutes/s3rver (npm), a maintained fork of
// s3rver that checks AWS Signature Version 4 (the original s3rver 3.x accepts any V4 signature).
// Its only credentials are S3RVER / S3RVER; objects can be read anonymously (as with a public-read
// bucket), and a bucket named like a host name answers requests whose Host is that name (as an
// S3_ALIAS_HOST CNAME would).
//   node s3_server.cjs DIRECTORY BUCKET...   prints {"port": N} once listening on 127.0.0.1.
const S3rver = require("@20minutes/s3rver");

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
server.run().then(({ port }) => console.log(JSON.stringify({ port })));
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
