// The `npm run demo` story. Filled in as the pieces land (see README).
console.log('ispkit demo: nothing to show yet');
