"""The selective forwarding unit on aiortc.

Router (one per room), Transport (one RTCPeerConnection per endpoint), Producer (an
incoming track), Consumer (one outgoing copy). Forwards encoded frames and never
transcodes. Knows nothing about courts: endpoints are opaque strings.
"""
