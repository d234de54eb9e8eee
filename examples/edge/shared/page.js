// The page the worker personalises; in production it comes from the origin (`await fetch(request)`).
export const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Store</title></head>
<body>
<header><a href="/">Store</a></header>
<section id="hero"><h1>Welcome to the store</h1><p>Books, music, video and DVDs.</p></section>
<main><p>Today's offers.</p></main>
</body>
</html>
`;
