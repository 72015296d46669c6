'use strict';
// Test-only bridge to cose-js, the independent COSE implementation our output is checked
// against. Usage (all byte strings in hex):
//   node cose-tool.js verify <cose_sign1_tagged> <publicKey x||y (64 bytes)>  -> payload hex, exit 0
//   node cose-tool.js sign <private d> <kid as 8 ASCII chars> <payload>       -> message hex
// Exit 1 with a message on stderr when verification or decoding fails.
const cose = require('cose-js');

function main(argv) {
  const [command, ...args] = argv;
  if (command === 'verify' && args.length === 2) {
    const message = Buffer.from(args[0], 'hex');
    const publicKey = Buffer.from(args[1], 'hex');
    if (publicKey.length !== 64) throw new Error('public key must be 64 bytes x||y');
    const verifier = { key: { x: publicKey.subarray(0, 32), y: publicKey.subarray(32) } };
    const payload = cose.sign.verifySync(message, verifier);
    process.stdout.write(Buffer.from(payload).toString('hex') + '\n');
    return Promise.resolve();
  }
  if (command === 'sign' && args.length === 3) {
    const signer = { key: { d: Buffer.from(args[0], 'hex') } };
    const headers = { p: { alg: 'ES256' }, u: { kid: args[1] } };
    return cose.sign.create(headers, Buffer.from(args[2], 'hex'), signer)
      .then((message) => process.stdout.write(message.toString('hex') + '\n'));
  }
  throw new Error('usage: cose-tool.js verify <msg> <pub> | sign <d> <kid> <payload>');
}

try {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`cose-tool: ${error.message}\n`);
    process.exit(1);
  });
} catch (error) {
  process.stderr.write(`cose-tool: ${error.message}\n`);
  process.exit(1);
}
