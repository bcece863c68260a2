// Prints the digest of every guest model's listings as the sources lay them out
// (emulator/vpci/guest/listings.ts): esbuild.config.mjs stamps it into the bundles,
// so a launch recognises the listings folder the same build writes (adapter/listings.ts).
import { allListings, listingsDigest } from '../emulator/vpci/guest/listings';

process.stdout.write(listingsDigest(allListings()) + '\n');
