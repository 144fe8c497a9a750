package mqtt

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// The outbox file (outbox.log) is a header and a sequence of records.
//
//	header: "EAOUTBX1" | u64 seq floor | u32 CRC-32C of the 16 bytes before
//	record: u32 body length | u32 CRC-32C of body | body
//	body:   u8 class | u64 seq | the message exactly as published
//
// Integers are little-endian. Records are in strictly increasing seq order.
// The floor is the seq counter when the file was written: no later seq is
// ever below it, even after every record has been removed. The message is
// stored complete (seq and ts spliced in), so a re-sent event has exactly
// the bytes of the first sending.
const (
	fileMagic      = "EAOUTBX1"
	fileHeaderSize = 8 + 8 + 4
	recHeaderSize  = 4 + 4
	bodyPrefixSize = 1 + 8
	// maxBodySize is a document plus the spliced seq and ts, with margin.
	maxBodySize = bodyPrefixSize + maxDocBytes + 128
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Record classes, in the order a full outbox drops them.
const (
	// classOrdinary: peer events, network type, token notices...
	classOrdinary byte = iota
	// classTransition: onConnectionStateChanged, the console's truth.
	classTransition
	// classNotice: the reporter's own outbox_overflow events, which
	// explain the gaps; dropping one would leave a gap unexplained.
	classNotice
)

// classOf returns the class of an event by its callback name.
func classOf(event string) byte {
	switch event {
	case "onConnectionStateChanged":
		return classTransition
	case overflowEvent:
		return classNotice
	}
	return classOrdinary
}

// recIndex locates one record of the file.
type recIndex struct {
	seq   uint64
	off   int64
	size  uint32 // header + body
	class byte
}

func encodeHeader(floor uint64) []byte {
	b := make([]byte, fileHeaderSize)
	copy(b, fileMagic)
	binary.LittleEndian.PutUint64(b[8:], floor)
	binary.LittleEndian.PutUint32(b[16:], crc32.Checksum(b[:16], castagnoli))
	return b
}

func decodeHeader(b []byte) (floor uint64, ok bool) {
	if len(b) < fileHeaderSize || string(b[:8]) != fileMagic {
		return 0, false
	}
	if crc32.Checksum(b[:16], castagnoli) != binary.LittleEndian.Uint32(b[16:]) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[8:]), true
}

// appendRecord appends one encoded record to dst.
func appendRecord(dst []byte, class byte, seq uint64, msg []byte) []byte {
	var h [recHeaderSize + bodyPrefixSize]byte
	body := h[recHeaderSize:]
	body[0] = class
	binary.LittleEndian.PutUint64(body[1:], seq)
	crc := crc32.Update(crc32.Checksum(body, castagnoli), castagnoli, msg)
	binary.LittleEndian.PutUint32(h[0:], uint32(bodyPrefixSize+len(msg)))
	binary.LittleEndian.PutUint32(h[4:], crc)
	return append(append(dst, h[:]...), msg...)
}

// readRecord reads the record at ri from f and returns its message after
// checking its CRC.
func readRecord(f *os.File, ri recIndex) ([]byte, error) {
	buf := make([]byte, ri.size)
	if _, err := f.ReadAt(buf, ri.off); err != nil {
		return nil, fmt.Errorf("read outbox record %d: %w", ri.seq, err)
	}
	body := buf[recHeaderSize:]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(buf[4:]) {
		return nil, fmt.Errorf("outbox record %d: CRC mismatch", ri.seq)
	}
	return body[bodyPrefixSize:], nil
}

// errTorn marks where a scan stopped: a record cut short by a crash, or
// damaged. Everything from there on is dropped.
var errTorn = errors.New("torn or damaged record")

// scanRecords reads the records of r, which starts at file offset off,
// until EOF or the first bad record. It returns the good records and the
// offset just past the last of them; err is nil at a clean EOF, errTorn
// (wrapped) at a bad record, or a read error.
func scanRecords(r io.Reader, off int64) ([]recIndex, int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var recs []recIndex
	var last uint64
	buf := make([]byte, maxBodySize)
	for {
		var h [recHeaderSize]byte
		_, err := io.ReadFull(br, h[:])
		if err == io.EOF {
			return recs, off, nil
		}
		if err != nil {
			return recs, off, tornOrErr(err, off)
		}
		n := binary.LittleEndian.Uint32(h[0:])
		if n < bodyPrefixSize || n > maxBodySize {
			return recs, off, fmt.Errorf("at %d: length %d: %w", off, n, errTorn)
		}
		body := buf[:n]
		if _, err := io.ReadFull(br, body); err != nil {
			return recs, off, tornOrErr(err, off)
		}
		seq := binary.LittleEndian.Uint64(body[1:])
		if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(h[4:]) || seq <= last {
			return recs, off, fmt.Errorf("at %d: bad CRC or seq: %w", off, errTorn)
		}
		size := uint32(recHeaderSize) + n
		recs = append(recs, recIndex{seq: seq, off: off, size: size, class: body[0]})
		last, off = seq, off+int64(size)
	}
}

func tornOrErr(err error, off int64) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("at %d: short record: %w", off, errTorn)
	}
	return fmt.Errorf("read outbox at %d: %w", off, err)
}
