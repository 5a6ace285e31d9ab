"""The wall: read-only, composed layouts of the rotating pages for the big screen (?screen=1).

Every layout is one block of HTML and SVG sized from the viewport (vw/vh), so it fits any wall
from 1080p to 4K without scrollbars: `svg` and `panels` build the pieces (no Streamlit), one
module per page composes them, and `frame.render_wall` puts the block on the page.
"""
