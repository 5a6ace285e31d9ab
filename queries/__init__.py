"""All SQL of the app. Every public function takes the database URL and the viewer's scope."""
