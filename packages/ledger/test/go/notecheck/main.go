// notecheck cross-checks Hotline's signed notes and C2SP tlog-cosignature v1.0.1 (Ed25519
// cosignature/v1) against golang.org/x/mod/sumdb/note and crypto/ed25519. The cosignature
// verifier and signer here are written from the spec, independently of the TypeScript code.
//
//	notecheck verify <log vkey> <witness vkey> < note    checks the note; prints the verified key names and cosignature times
//	notecheck sign <log skey> <witness name> <time> < checkpoint body    prints a note signed by the log key and cosigned by a fresh witness key, then the witness vkey
package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

const algCosignatureV1 = 0x04

func cosignatureKeyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', algCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func cosignedMessage(body string, t uint64) []byte {
	return []byte("cosignature/v1\ntime " + strconv.FormatUint(t, 10) + "\n" + body)
}

type cosigVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
	// times records the timestamp of each verified cosignature.
	times *[]uint64
}

func (v cosigVerifier) Name() string    { return v.name }
func (v cosigVerifier) KeyHash() uint32 { return v.hash }
func (v cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > 1<<63-1 {
		return false
	}
	ok := ed25519.Verify(v.pub, cosignedMessage(string(msg), t), sig[8:])
	if ok {
		*v.times = append(*v.times, t)
	}
	return ok
}

func parseCosigVerifier(vkey string) (cosigVerifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return cosigVerifier{}, errors.New("malformed cosigner vkey")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != algCosignatureV1 {
		return cosigVerifier{}, errors.New("not an Ed25519 cosignature/v1 vkey")
	}
	pub := ed25519.PublicKey(raw[1:])
	h := cosignatureKeyHash(parts[0], pub)
	if fmt.Sprintf("%08x", h) != parts[1] {
		return cosigVerifier{}, errors.New("cosigner vkey id does not match SHA-256(name || 0x0A || 0x04 || key)[:4]")
	}
	return cosigVerifier{name: parts[0], hash: h, pub: pub, times: new([]uint64)}, nil
}

type cosigSigner struct {
	name string
	hash uint32
	priv ed25519.PrivateKey
	time uint64
}

func (s cosigSigner) Name() string    { return s.name }
func (s cosigSigner) KeyHash() uint32 { return s.hash }
func (s cosigSigner) Sign(msg []byte) ([]byte, error) {
	out := make([]byte, 8, 8+ed25519.SignatureSize)
	binary.BigEndian.PutUint64(out, s.time)
	return append(out, ed25519.Sign(s.priv, cosignedMessage(string(msg), s.time))...), nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "notecheck:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) < 2 {
		return errors.New("usage: notecheck verify|sign …")
	}
	in, err := io.ReadAll(bufio.NewReader(os.Stdin))
	if err != nil {
		return err
	}
	switch os.Args[1] {
	case "verify":
		logV, err := note.NewVerifier(os.Args[2])
		if err != nil {
			return err
		}
		witV, err := parseCosigVerifier(os.Args[3])
		if err != nil {
			return err
		}
		n, err := note.Open(in, note.VerifierList(logV, witV))
		if err != nil {
			return err
		}
		for _, s := range n.Sigs {
			fmt.Printf("verified %s %08x\n", s.Name, s.Hash)
		}
		for _, t := range *witV.times {
			fmt.Printf("time %d\n", t)
		}
		fmt.Printf("unverified %d\n", len(n.UnverifiedSigs))
		return nil
	case "sign":
		logS, err := note.NewSigner(os.Args[2])
		if err != nil {
			return err
		}
		t, err := strconv.ParseUint(os.Args[4], 10, 64)
		if err != nil {
			return err
		}
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		name := os.Args[3]
		w := cosigSigner{name: name, hash: cosignatureKeyHash(name, pub), priv: priv, time: t}
		signed, err := note.Sign(&note.Note{Text: string(in)}, logS, w)
		if err != nil {
			return err
		}
		os.Stdout.Write(signed)
		fmt.Printf("%s+%08x+%s\n", name, w.hash, base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, pub...)))
		return nil
	}
	return errors.New("unknown command " + os.Args[1])
}
