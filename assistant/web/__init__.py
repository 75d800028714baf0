"""The browser chat: HTML rendering, the Gradio app, feedback, and the server."""
