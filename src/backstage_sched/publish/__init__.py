"""Stage 4, a checked plan turned into what people receive and keep.

The plan folder (:mod:`.folder`), calendar files (:mod:`.ical`), the overview
and cost sheets (:mod:`.report`), the messages and diff of a change
(:mod:`.changes`) and sending them (:mod:`.send`).
"""
