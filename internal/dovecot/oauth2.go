package dovecot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/mailsync/mailsync/internal/testnet"
)

// writeOAuth2 writes the oauth2 passdb's settings: every token is checked
// by POSTing token=… to url (no cache), whose JSON answer names the user
// ("username") and says whether the token is valid ("active": true).
func writeOAuth2(path, url string) error {
	conf := "introspection_mode = post\n" +
		"introspection_url = " + url + "\n" +
		"username_attribute = username\n" +
		"active_attribute = active\n" +
		"active_value = true\n" +
		"force_introspection = yes\n"
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Tokens is an OAuth2 token introspection endpoint (RFC 7662, as
// Dovecot's oauth2 passdb uses it) on 127.0.0.1, for Options.OAuth2URL.
type Tokens struct {
	URL string // http://127.0.0.1:PORT/introspect

	mu     sync.Mutex
	users  map[string]string // token -> user name
	asked  int
	srv    *http.Server
	served chan struct{}
}

// ServeTokens starts an endpoint that knows the given tokens (token ->
// user name); any other token is inactive. Stop it with Close.
func ServeTokens(tokens map[string]string) (*Tokens, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &Tokens{URL: "http://" + ln.Addr().String() + "/introspect", users: map[string]string{}, served: make(chan struct{})}
	for k, v := range tokens {
		t.users[k] = v
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /introspect", t.introspect)
	t.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(t.served)
		_ = t.srv.Serve(ln)
	}()
	return t, nil
}

// Set makes token valid for user; Revoke makes it invalid.
func (t *Tokens) Set(token, user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.users[token] = user
}

func (t *Tokens) Revoke(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.users, token)
}

// Asked is the number of introspection requests answered so far.
func (t *Tokens) Asked() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.asked
}

func (t *Tokens) introspect(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	t.mu.Lock()
	user, ok := t.users[token]
	t.asked++
	t.mu.Unlock()
	answer := map[string]any{"active": false}
	if ok && token != "" {
		answer = map[string]any{"active": true, "username": user}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(answer)
}

// Close stops the endpoint and waits for it.
func (t *Tokens) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := t.srv.Shutdown(ctx)
	<-t.served
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// NewCA makes a fresh throw-away CA and a server certificate it signed
// for 127.0.0.1, ::1 and localhost, all PEM: a CA other than the one of
// this process's servers, for a second test server whose trust is
// configured separately (tests of per-store CA files).
func NewCA() (caPEM, certPEM, keyPEM []byte, err error) {
	p, err := testnet.NewPKI(time.Now())
	return p.CAPEM, p.CertPEM, p.KeyPEM, err
}
