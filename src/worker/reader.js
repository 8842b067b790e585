// The nested worker that reads a file's slices ahead of the engine worker (see slice_reader.rs,
// which starts it from a Blob URL). Messages in: [file, slice bytes, credit] begins a file;
// anything else is one more credit, given each time the engine has taken a slice. Messages out,
// in file order: each slice's ArrayBuffer (transferred, not copied), or a string saying why it
// could not be read.
let file = null,
  slice = 0,
  offset = 0,
  credit = 0,
  posted = Promise.resolve();
onmessage = (event) => {
  if (Array.isArray(event.data)) {
    [file, slice, credit] = event.data;
    offset = 0;
  } else {
    credit += 1;
  }
  // The reads run side by side and are handed over in order: one after the other, each waited
  // for its round trip to the browser process, which halved the rate.
  while (file !== null && credit > 0 && offset < file.size) {
    const end = Math.min(offset + slice, file.size);
    const reading = file.slice(offset, end).arrayBuffer();
    offset = end;
    credit -= 1;
    posted = posted
      .then(() => reading)
      .then(
        (buffer) => postMessage(buffer, [buffer]),
        (error) => postMessage(String(error)),
      );
  }
};
