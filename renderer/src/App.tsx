/** Placeholder shell; the admin-panel issue builds the SCIM screens here. */
export function App() {
  return (
    <main className="app">
      <h1>ScimDesk</h1>
      <p>The SCIM 2.0 provisioning server runs headless today: see the README for the CLI.</p>
    </main>
  );
}
