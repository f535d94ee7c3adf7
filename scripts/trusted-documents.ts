// npm run -s documents:manifest > trusted-documents.json: the documents a client may run in
// TRUSTED_DOCUMENTS mode, as { "<sha256>": "<document text>" }; send the hash as
// extensions.persistedQuery.sha256Hash.
import { loadTrustedDocuments } from '../src/server/trusted-documents.js';

console.log(JSON.stringify(Object.fromEntries(loadTrustedDocuments()), null, 2));
