import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Resume Drop — apply with your resume',
  description: 'Send your application and resume in a minute.',
};

export const viewport: Viewport = { themeColor: '#1f4fd1' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
