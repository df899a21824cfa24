/** The call steps the page offers as one button (with a reason, or a confirmation, where they need one). */
export const SIMPLE_ACTIONS: Record<
  string,
  {
    label: string;
    reason?: 'optional' | 'required';
    danger?: boolean;
    /** A final act asks first: what will happen, and what cannot be undone. */
    confirm?: { body: string; irreversible: string };
  }
> = {
  begin_review: { label: 'Begin review' },
  withdraw: { label: 'Withdraw the request', reason: 'optional', danger: true },
  cancel: { label: 'Cancel the call', reason: 'optional', danger: true },
  connect: { label: 'Connect the call' },
  end: {
    label: 'End the call',
    confirm: {
      body: 'Everyone on the line is disconnected and the call is marked completed; the memcon falls due.',
      irreversible: 'an ended call cannot be resumed; a new call must be requested.',
    },
  },
  finalize_memcon: {
    label: 'Finalize the memcon',
    confirm: {
      body: 'The latest draft becomes the final memorandum of conversation; it is sealed into the records log, and the readout falls due.',
      irreversible:
        'the final memcon is never edited again; a mistake is fixed only by a recorded correction.',
    },
  },
  finalize_counterpart_memcon: {
    label: "Finalize our office's memcon",
    confirm: {
      body: "The latest draft becomes our office's final memcon and is sealed into the records log.",
      irreversible: 'it is never edited again; a mistake is fixed only by a recorded correction.',
    },
  },
  close: { label: 'Close the call' },
};
