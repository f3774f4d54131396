"""Making the shipped detector (``tqcheck.detector``): ``extract`` features from MQM-annotated MT,
``train`` the networks, ``calibrate`` them per target language, ``build`` all three in one command."""
